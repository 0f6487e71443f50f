//! `IdTagInfo`, shared by Authorize, StartTransaction, StopTransaction and
//! SendLocalList.

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{CiString, DateTime};

ocpp_enum! {
    /// Whether an idTag may charge.
    pub enum AuthorizationStatus {
        /// Allowed.
        Accepted,
        /// Blocked.
        Blocked,
        /// Expired.
        Expired,
        /// Unknown.
        Invalid,
        /// Already in another transaction (StartTransaction only).
        ConcurrentTx,
    }
}

ocpp_object! {
    /// What the central system says of an idTag.
    pub struct IdTagInfo<A> {
        opt expiry_date: DateTime = "expiryDate";
        opt parent_id_tag: CiString<20, A> = "parentIdTag";
        req status: AuthorizationStatus = "status";
    }
}
