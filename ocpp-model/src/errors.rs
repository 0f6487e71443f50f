//! Error types of the wire layer, and the OCPP-J CALLERROR codes they map to.

use core::fmt;

/// An OCPP-J CALLERROR code (OCPP-J 1.6 §4.2.3), with the spellings of the
/// errata: `FormationViolation` and `OccurenceConstraintViolation` are sent
/// misspelled on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The action is not known.
    NotImplemented,
    /// The action is known but not supported.
    NotSupported,
    /// The receiver could not process the action (out of memory belongs here).
    InternalError,
    /// The payload is incomplete (a required property is missing).
    ProtocolError,
    /// A security issue prevented processing.
    SecurityError,
    /// The payload is syntactically wrong or does not fit the PDU.
    FormationViolation,
    /// A property has an invalid value (unknown enum value, bad date-time).
    PropertyConstraintViolation,
    /// A property violates occurrence constraints (too few array items).
    OccurenceConstraintViolation,
    /// A property has the wrong data type (wrong JSON type, over-long string).
    TypeConstraintViolation,
    /// Anything else.
    GenericError,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::NotImplemented,
        ErrorCode::NotSupported,
        ErrorCode::InternalError,
        ErrorCode::ProtocolError,
        ErrorCode::SecurityError,
        ErrorCode::FormationViolation,
        ErrorCode::PropertyConstraintViolation,
        ErrorCode::OccurenceConstraintViolation,
        ErrorCode::TypeConstraintViolation,
        ErrorCode::GenericError,
    ];

    /// The exact OCPP 1.6 spelling, as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotImplemented => "NotImplemented",
            ErrorCode::NotSupported => "NotSupported",
            ErrorCode::InternalError => "InternalError",
            ErrorCode::ProtocolError => "ProtocolError",
            ErrorCode::SecurityError => "SecurityError",
            ErrorCode::FormationViolation => "FormationViolation",
            ErrorCode::PropertyConstraintViolation => "PropertyConstraintViolation",
            ErrorCode::OccurenceConstraintViolation => "OccurenceConstraintViolation",
            ErrorCode::TypeConstraintViolation => "TypeConstraintViolation",
            ErrorCode::GenericError => "GenericError",
        }
    }

    /// Reads a received code: the exact spellings, plus `FormatViolation` and
    /// `OccurrenceConstraintViolation`; anything else is `GenericError`.
    pub fn parse_lenient(s: &str) -> ErrorCode {
        match s {
            "FormatViolation" => ErrorCode::FormationViolation,
            "OccurrenceConstraintViolation" => ErrorCode::OccurenceConstraintViolation,
            _ => ErrorCode::ALL
                .iter()
                .copied()
                .find(|c| c.as_str() == s)
                .unwrap_or(ErrorCode::GenericError),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a payload could not be decoded: the CALLERROR code to answer with and
/// a static description naming the property where one is known (for example
/// `"idTag: longer than maxLength"`, `"chargePointVendor: required property
/// missing"`). The reason is meant to be sent as the CALLERROR description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The CALLERROR code this failure maps to.
    pub code: ErrorCode,
    /// What was wrong, and where when known.
    pub reason: &'static str,
}

impl DecodeError {
    /// An allocation was refused while decoding. Nothing was leaked: every
    /// part allocated before the refusal was freed.
    pub const OUT_OF_MEMORY: DecodeError =
        DecodeError::new(ErrorCode::InternalError, "out of memory");

    /// A property name that the message does not have.
    pub const UNKNOWN_PROPERTY: DecodeError =
        DecodeError::new(ErrorCode::FormationViolation, "unknown property");

    /// The payload bytes are not JSON (or not UTF-8).
    pub const NOT_JSON: DecodeError = DecodeError::new(ErrorCode::FormationViolation, "not JSON");

    /// The payload nests deeper than the decoder accepts.
    pub const TOO_DEEP: DecodeError =
        DecodeError::new(ErrorCode::FormationViolation, "nested too deeply");

    /// The payload is JSON but not an object.
    pub const NOT_AN_OBJECT: DecodeError = DecodeError::new(
        ErrorCode::FormationViolation,
        "payload is not a JSON object",
    );

    /// A decode error with this code and reason.
    pub const fn new(code: ErrorCode, reason: &'static str) -> Self {
        DecodeError { code, reason }
    }

    /// Whether this is [`DecodeError::OUT_OF_MEMORY`].
    pub fn is_out_of_memory(&self) -> bool {
        *self == Self::OUT_OF_MEMORY
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.reason)
    }
}

impl core::error::Error for DecodeError {}

/// Why a frame could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The frame does not fit in the caller's buffer. Nothing usable was
    /// written: a frame is never truncated.
    BufferFull,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BufferFull => f.write_str("the output buffer is too small for the frame"),
        }
    }
}

impl core::error::Error for EncodeError {}

/// A string that names no variant of an enum (an action, a status, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UnknownVariant;

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the string names no known value (action, status, reason, ...)")
    }
}

impl core::error::Error for UnknownVariant {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for &c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse_lenient(c.as_str()), c);
        }
        assert_eq!(ErrorCode::FormationViolation.as_str(), "FormationViolation");
        assert_eq!(
            ErrorCode::OccurenceConstraintViolation.as_str(),
            "OccurenceConstraintViolation"
        );
    }

    #[test]
    fn lenient_parse() {
        assert_eq!(
            ErrorCode::parse_lenient("FormatViolation"),
            ErrorCode::FormationViolation
        );
        assert_eq!(
            ErrorCode::parse_lenient("OccurrenceConstraintViolation"),
            ErrorCode::OccurenceConstraintViolation
        );
        assert_eq!(
            ErrorCode::parse_lenient("Nonsense"),
            ErrorCode::GenericError
        );
        assert_eq!(
            ErrorCode::parse_lenient("notimplemented"),
            ErrorCode::GenericError
        );
        assert_eq!(ErrorCode::parse_lenient(""), ErrorCode::GenericError);
    }

    #[test]
    fn display_is_for_people() {
        assert_eq!(
            DecodeError::new(
                ErrorCode::TypeConstraintViolation,
                "idTag: longer than maxLength"
            )
            .to_string(),
            "TypeConstraintViolation: idTag: longer than maxLength"
        );
        assert_eq!(
            DecodeError::OUT_OF_MEMORY.to_string(),
            "InternalError: out of memory"
        );
        assert_eq!(
            EncodeError::BufferFull.to_string(),
            "the output buffer is too small for the frame"
        );
        assert_eq!(
            UnknownVariant.to_string(),
            "the string names no known value (action, status, reason, ...)"
        );
        assert_eq!(
            ErrorCode::FormationViolation.to_string(),
            "FormationViolation"
        );
    }

    #[test]
    fn out_of_memory() {
        assert!(DecodeError::OUT_OF_MEMORY.is_out_of_memory());
        assert_eq!(DecodeError::OUT_OF_MEMORY.code, ErrorCode::InternalError);
        assert!(!DecodeError::NOT_JSON.is_out_of_memory());
    }
}
