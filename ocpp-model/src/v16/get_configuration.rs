//! GetConfiguration (central system → charge point, OCPP 1.6 §5.8): read
//! configuration keys.
//!
//! Both arrays are bounded by [`crate::Limits::max_items`] when decoded; an
//! integrator advertises the same bound through `GetConfigurationMaxKeys`.

use allocator_api2::vec::Vec;

use crate::macros::ocpp_object;
use crate::{Action, Allocator, CiString, Request};

ocpp_object! {
    /// GetConfiguration.req: the keys asked for; all keys when `key` is
    /// absent (or empty).
    pub struct GetConfigurationRequest<A> {
        opt key: Vec<CiString<50, A>, A> = "key";
    }
}

impl<A: Allocator> Request for GetConfigurationRequest<A> {
    const ACTION: Action = Action::GetConfiguration;
    type Response = GetConfigurationResponse<A>;
}

ocpp_object! {
    /// One configuration key and its value.
    pub struct KeyValue<A> {
        req key: CiString<50, A> = "key";
        /// Whether the key can be changed with ChangeConfiguration.
        req readonly: bool = "readonly";
        /// Absent when the key has no value, or its value is write-only.
        opt value: CiString<500, A> = "value";
    }
}

ocpp_object! {
    /// GetConfiguration.conf: the known keys asked for, and the unknown ones.
    pub struct GetConfigurationResponse<A> {
        opt configuration_key: Vec<KeyValue<A>, A> = "configurationKey";
        opt unknown_key: Vec<CiString<50, A>, A> = "unknownKey";
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_types)]
mod tests {
    use super::*;
    use crate::test_util::{answer_round_trip, call_round_trip, ci, heap, vec, Heap};
    use crate::{decode, decode_with, DecodeError, ErrorCode, Limits};

    #[test]
    fn golden_request() {
        call_round_trip(
            r#"[2,"g1","GetConfiguration",{}]"#,
            &GetConfigurationRequest::<Heap> { key: None },
        );
        call_round_trip(
            r#"[2,"g2","GetConfiguration",{"key":["HeartbeatInterval","Foo"]}]"#,
            &GetConfigurationRequest {
                key: Some(vec([ci("HeartbeatInterval"), ci("Foo")])),
            },
        );
    }

    #[test]
    fn golden_response() {
        answer_round_trip::<GetConfigurationRequest<Heap>>(
            r#"[3,"g1",{}]"#,
            &GetConfigurationResponse {
                configuration_key: None,
                unknown_key: None,
            },
        );
        answer_round_trip::<GetConfigurationRequest<Heap>>(
            concat!(
                r#"[3,"g2",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"300"},"#,
                r#"{"key":"AuthorizationKey","readonly":false}],"unknownKey":["Foo"]}]"#
            ),
            &GetConfigurationResponse {
                configuration_key: Some(vec([
                    KeyValue {
                        key: ci("HeartbeatInterval"),
                        readonly: false,
                        value: Some(ci("300")),
                    },
                    KeyValue {
                        key: ci("AuthorizationKey"),
                        readonly: false,
                        value: None,
                    },
                ])),
                unknown_key: Some(vec([ci("Foo")])),
            },
        );
    }

    #[test]
    fn keys_beyond_max_items_are_refused() {
        let keys = |n: usize| {
            let keys: std::vec::Vec<String> = (0..n).map(|i| format!(r#""K{i}""#)).collect();
            format!(r#"{{"key":[{}]}}"#, keys.join(","))
        };
        let max = usize::from(Limits::DEFAULT.max_items);
        let ok: GetConfigurationRequest<_> = decode(keys(max).as_bytes(), heap()).unwrap();
        assert_eq!(ok.key.unwrap().len(), max);
        assert_eq!(
            decode::<GetConfigurationRequest<_>, _>(keys(max + 1).as_bytes(), heap()),
            Err(DecodeError::new(
                ErrorCode::OccurenceConstraintViolation,
                "key: more items than this charge point accepts"
            ))
        );
        let limits = Limits::DEFAULT.with_max_items(200);
        let ok: GetConfigurationRequest<_> =
            decode_with(keys(200).as_bytes(), heap(), &limits).unwrap();
        assert_eq!(ok.key.unwrap().len(), 200);
        let conf = format!(
            r#"{{"unknownKey":[{}]}}"#,
            vec![r#""x""#; max + 1].join(",")
        );
        assert_eq!(
            decode::<GetConfigurationResponse<_>, _>(conf.as_bytes(), heap())
                .unwrap_err()
                .reason,
            "unknownKey: more items than this charge point accepts"
        );
    }
}
