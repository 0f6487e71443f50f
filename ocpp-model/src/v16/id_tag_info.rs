//! `IdTagInfo`, shared by Authorize, StartTransaction, StopTransaction and
//! SendLocalList.

use crate::macros::{ocpp_enum, ocpp_object};
use crate::{DateTime, IdToken};

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
    /// What the central system says of an idTag. Inline and `Copy`: it
    /// decodes without any allocation, so the engine keeps the answer even
    /// when its pool is exhausted, and caches can hold it at a fixed size.
    #[derive(Clone, Copy)]
    pub struct IdTagInfo {
        opt expiry_date: DateTime = "expiryDate";
        opt parent_id_tag: IdToken = "parentIdTag";
        req status: AuthorizationStatus = "status";
    }
}

impl Eq for IdTagInfo {}
