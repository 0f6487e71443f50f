//! The canonical encoding of the engine's state: postcard, the format
//! persistence will write. Tests compare snapshots to prove that a refused
//! operation changed nothing.

use ocpp_model::{ErrorCode, MessageId};
use serde::ser::{Serialize, SerializeSeq, Serializer};

/// Serializes a pool vector as a sequence.
pub(crate) fn slice<T: Serialize, S: Serializer, V: core::ops::Deref<Target = [T]>>(
    items: &V,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items.iter() {
        seq.serialize_element(item)?;
    }
    seq.end()
}

/// Serializes a message id as its text.
pub(crate) fn message_id<S: Serializer>(id: &MessageId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(id.as_str())
}

/// Serializes an OCPP-J error code as its spelling.
pub(crate) fn error_code<S: Serializer>(code: &ErrorCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.as_str())
}

/// Serializes an optional enum of the model as its wire name.
pub(crate) fn opt_str<T: Serialize, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    v.serialize(s)
}

/// Serializes an optional pool box as its content.
pub(crate) fn opt_box<T: Serialize, A: allocator_api2::alloc::Allocator, S: Serializer>(
    v: &Option<allocator_api2::boxed::Box<T, A>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    v.as_deref().serialize(s)
}
