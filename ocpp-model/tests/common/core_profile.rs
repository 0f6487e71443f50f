//! The messages beyond the first slice (the rest of the Core profile,
//! DataTransfer, TriggerMessage), by schema name.

use ocpp_model::*;

/// The schema names of the messages added after the slice.
pub const CORE: &[&str] = &[
    "ChangeAvailability",
    "ChangeAvailabilityResponse",
    "ChangeConfiguration",
    "ChangeConfigurationResponse",
    "ClearCache",
    "ClearCacheResponse",
    "GetConfiguration",
    "GetConfigurationResponse",
    "MeterValues",
    "MeterValuesResponse",
    "RemoteStartTransaction",
    "RemoteStartTransactionResponse",
    "RemoteStopTransaction",
    "RemoteStopTransactionResponse",
    "Reset",
    "ResetResponse",
    "StartTransaction",
    "StartTransactionResponse",
    "StopTransaction",
    "StopTransactionResponse",
    "UnlockConnector",
    "UnlockConnectorResponse",
];

/// Decodes `payload` with `limits` as the message of schema `name`
/// (dropping the value); `None` for a name not listed here.
pub fn decode_core_as<A: Allocator + Clone>(
    name: &str,
    payload: &[u8],
    a: A,
    limits: &Limits,
) -> Option<Result<(), DecodeError>> {
    fn d<T: Decode<A>, A: Allocator + Clone>(
        p: &[u8],
        a: A,
        l: &Limits,
    ) -> Result<(), DecodeError> {
        decode_with::<T, A>(p, a, l).map(drop)
    }
    Some(match name {
        "ChangeAvailability" => d::<ChangeAvailabilityRequest, A>(payload, a, limits),
        "ChangeAvailabilityResponse" => d::<ChangeAvailabilityResponse, A>(payload, a, limits),
        "ChangeConfiguration" => d::<ChangeConfigurationRequest<A>, A>(payload, a, limits),
        "ChangeConfigurationResponse" => d::<ChangeConfigurationResponse, A>(payload, a, limits),
        "ClearCache" => d::<ClearCacheRequest, A>(payload, a, limits),
        "ClearCacheResponse" => d::<ClearCacheResponse, A>(payload, a, limits),
        "DataTransfer" => d::<DataTransferRequest<A>, A>(payload, a, limits),
        "DataTransferResponse" => d::<DataTransferResponse<A>, A>(payload, a, limits),
        "GetConfiguration" => d::<GetConfigurationRequest<A>, A>(payload, a, limits),
        "GetConfigurationResponse" => d::<GetConfigurationResponse<A>, A>(payload, a, limits),
        "MeterValues" => d::<MeterValuesRequest<A>, A>(payload, a, limits),
        "MeterValuesResponse" => d::<MeterValuesResponse, A>(payload, a, limits),
        "RemoteStartTransaction" => d::<RemoteStartTransactionRequest<A>, A>(payload, a, limits),
        "RemoteStartTransactionResponse" => {
            d::<RemoteStartTransactionResponse, A>(payload, a, limits)
        }
        "RemoteStopTransaction" => d::<RemoteStopTransactionRequest, A>(payload, a, limits),
        "RemoteStopTransactionResponse" => {
            d::<RemoteStopTransactionResponse, A>(payload, a, limits)
        }
        "Reset" => d::<ResetRequest, A>(payload, a, limits),
        "ResetResponse" => d::<ResetResponse, A>(payload, a, limits),
        "StartTransaction" => d::<StartTransactionRequest, A>(payload, a, limits),
        "StartTransactionResponse" => d::<StartTransactionResponse, A>(payload, a, limits),
        "StopTransaction" => d::<StopTransactionRequest<A>, A>(payload, a, limits),
        "StopTransactionResponse" => d::<StopTransactionResponse, A>(payload, a, limits),
        "TriggerMessage" => d::<TriggerMessageRequest, A>(payload, a, limits),
        "TriggerMessageResponse" => d::<TriggerMessageResponse, A>(payload, a, limits),
        "UnlockConnector" => d::<UnlockConnectorRequest, A>(payload, a, limits),
        "UnlockConnectorResponse" => d::<UnlockConnectorResponse, A>(payload, a, limits),
        _ => return None,
    })
}
