//! The messages of OCPP 1.6J (`ocpp_model::v16`; 2.0.1 will reuse the names
//! in a module of its own), one module per action, each a table for the
//! `ocpp_object!` / `ocpp_enum!` macros. Requests implement [`crate::Request`].
//!
//! Done so far: BootNotification, Heartbeat, StatusNotification, Authorize,
//! DataTransfer, TriggerMessage (requests and responses) and the shared
//! `IdTagInfo`.

mod authorize;
mod boot_notification;
mod data_transfer;
mod heartbeat;
mod id_tag_info;
mod status_notification;
mod trigger_message;

pub use authorize::{AuthorizeRequest, AuthorizeResponse};
pub use boot_notification::{
    BootNotificationRequest, BootNotificationResponse, RegistrationStatus,
};
pub use data_transfer::{DataTransferRequest, DataTransferResponse, DataTransferStatus};
pub use heartbeat::{HeartbeatRequest, HeartbeatResponse};
pub use id_tag_info::{AuthorizationStatus, IdTagInfo};
pub use status_notification::{
    ChargePointErrorCode, ChargePointStatus, StatusNotificationRequest, StatusNotificationResponse,
};
pub use trigger_message::{
    MessageTrigger, TriggerMessageRequest, TriggerMessageResponse, TriggerMessageStatus,
};
