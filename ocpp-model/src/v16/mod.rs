//! The messages of OCPP 1.6J (`ocpp_model::v16`; 2.0.1 will reuse the names
//! in a module of its own), one module per action, each a table for the
//! `ocpp_object!` / `ocpp_enum!` macros. Requests implement
//! [`crate::Request`], which names their response type.
//!
//! Done so far, requests and responses: every action of the Core profile
//! (Authorize, BootNotification, ChangeAvailability, ChangeConfiguration,
//! ClearCache, DataTransfer, GetConfiguration, Heartbeat, MeterValues,
//! RemoteStartTransaction, RemoteStopTransaction, Reset, StartTransaction,
//! StatusNotification, StopTransaction, UnlockConnector) and TriggerMessage;
//! and the shared types `IdTagInfo`, `MeterValue` / `SampledValue` and
//! `ChargingProfile`.

mod authorize;
mod boot_notification;
mod change_availability;
mod change_configuration;
mod charging_profile;
mod clear_cache;
mod data_transfer;
mod get_configuration;
mod heartbeat;
mod id_tag_info;
mod meter_value;
mod meter_values;
mod remote_start_transaction;
mod remote_stop_transaction;
mod reset;
mod start_transaction;
mod status_notification;
mod stop_transaction;
mod trigger_message;
mod unlock_connector;

pub use authorize::{AuthorizeRequest, AuthorizeResponse};
pub use boot_notification::{
    BootNotificationRequest, BootNotificationResponse, RegistrationStatus,
};
pub use change_availability::{
    AvailabilityStatus, AvailabilityType, ChangeAvailabilityRequest, ChangeAvailabilityResponse,
};
pub use change_configuration::{
    ChangeConfigurationRequest, ChangeConfigurationResponse, ConfigurationStatus,
};
pub use charging_profile::{
    ChargingProfile, ChargingProfileKindType, ChargingProfilePurposeType, ChargingRateUnitType,
    ChargingSchedule, ChargingSchedulePeriod, RecurrencyKindType,
};
pub use clear_cache::{ClearCacheRequest, ClearCacheResponse, ClearCacheStatus};
pub use data_transfer::{DataTransferRequest, DataTransferResponse, DataTransferStatus};
pub use get_configuration::{GetConfigurationRequest, GetConfigurationResponse, KeyValue};
pub use heartbeat::{HeartbeatRequest, HeartbeatResponse};
pub use id_tag_info::{AuthorizationStatus, IdTagInfo};
pub use meter_value::{
    Location, Measurand, MeterValue, Phase, ReadingContext, SampledValue, UnitOfMeasure,
    ValueFormat,
};
pub use meter_values::{MeterValuesRequest, MeterValuesResponse};
pub use remote_start_transaction::{
    RemoteStartStopStatus, RemoteStartTransactionRequest, RemoteStartTransactionResponse,
};
pub use remote_stop_transaction::{RemoteStopTransactionRequest, RemoteStopTransactionResponse};
pub use reset::{ResetRequest, ResetResponse, ResetStatus, ResetType};
pub use start_transaction::{StartTransactionRequest, StartTransactionResponse};
pub use status_notification::{
    ChargePointErrorCode, ChargePointStatus, StatusNotificationRequest, StatusNotificationResponse,
};
pub use stop_transaction::{Reason, StopTransactionRequest, StopTransactionResponse};
pub use trigger_message::{
    MessageTrigger, TriggerMessageRequest, TriggerMessageResponse, TriggerMessageStatus,
};
pub use unlock_connector::{UnlockConnectorRequest, UnlockConnectorResponse, UnlockStatus};
