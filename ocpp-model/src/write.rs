//! Writing a payload of one's own, without serde: the objects and arrays of
//! an [`Encode`](crate::Encode) implemented outside this crate (the engine
//! writes its BootNotification from its identity, its MeterValues from its
//! readings).
//!
//! ```
//! use ocpp_model::encode::{Full, Writer};
//! use ocpp_model::{encode_call_result, Encode, MessageId, RegistrationStatus};
//!
//! struct Answer(RegistrationStatus, &'static [u32]);
//!
//! impl Encode for Answer {
//!     fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
//!         let mut o = w.object()?;
//!         o.field("status", &self.0)?;
//!         o.field_with("seen", |w| {
//!             let mut a = w.array()?;
//!             for n in self.1 {
//!                 a.item(n)?;
//!             }
//!             a.end()
//!         })?;
//!         o.end()
//!     }
//! }
//!
//! let mut buf = [0u8; 64];
//! let id = MessageId::from_u32(3);
//! let n = encode_call_result(&mut buf, &id, &Answer(RegistrationStatus::Accepted, &[1, 2]))?;
//! assert_eq!(&buf[..n], br#"[3,"3",{"status":"Accepted","seen":[1,2]}]"#);
//! # Ok::<(), ocpp_model::EncodeError>(())
//! ```

use crate::encode::Field;
use crate::ser::{Compound, Full, Writer};

impl<'b> Writer<'b> {
    /// A writer at the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Writer { buf, len: 0 }
    }

    /// How many bytes are written: `buf[..len]`.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Opens a JSON object: its properties follow, then [`Object::end`].
    pub fn object(&mut self) -> Result<Object<'_, 'b>, Full> {
        self.byte(b'{')?;
        Ok(Object(Compound::new(self)))
    }

    /// Opens a JSON array: its items follow, then [`Array::end`].
    pub fn array(&mut self) -> Result<Array<'_, 'b>, Full> {
        self.byte(b'[')?;
        Ok(Array(Compound::new(self)))
    }

    /// Writes a value: a string, a number, a date-time, an enum value, an
    /// idTag, a message or an array of them, as the messages write them.
    pub fn value<T: Field + ?Sized>(&mut self, value: &T) -> Result<(), Full> {
        value.write_json(self)
    }
}

/// An object being written ([`Writer::object`]): the serializer's
/// container, so both routes place commas and names alike.
#[derive(Debug)]
pub struct Object<'w, 'b>(Compound<'w, 'b>);

impl<'b> Object<'_, 'b> {
    /// Writes the property `"name":value`; the name as it is, an
    /// identifier with nothing to escape.
    pub fn field<T: Field + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Full> {
        self.0.key(name)?;
        value.write_json(self.0.w)
    }

    /// Writes the property `"name":` and then what `value` writes (an
    /// array, an object of one's own).
    pub fn field_with(
        &mut self,
        name: &str,
        value: impl FnOnce(&mut Writer<'b>) -> Result<(), Full>,
    ) -> Result<(), Full> {
        self.0.key(name)?;
        value(self.0.w)
    }

    /// Closes the object.
    pub fn end(self) -> Result<(), Full> {
        self.0.w.byte(b'}')
    }
}

/// An array being written ([`Writer::array`]).
#[derive(Debug)]
pub struct Array<'w, 'b>(Compound<'w, 'b>);

impl<'b> Array<'_, 'b> {
    /// Writes an item.
    pub fn item<T: Field + ?Sized>(&mut self, value: &T) -> Result<(), Full> {
        self.0.comma()?;
        value.write_json(self.0.w)
    }

    /// Writes an item of one's own (an object, an array).
    pub fn item_with(
        &mut self,
        value: impl FnOnce(&mut Writer<'b>) -> Result<(), Full>,
    ) -> Result<(), Full> {
        self.0.comma()?;
        value(self.0.w)
    }

    /// Closes the array.
    pub fn end(self) -> Result<(), Full> {
        self.0.w.byte(b']')
    }
}

#[cfg(test)]
mod tests {
    use crate::encode::{Encode, Full, Writer};
    use crate::{encode_call_result, EncodeError, IdToken, MessageId, Phase};

    /// A payload of one's own: nested objects and arrays, commas only
    /// between items, strings escaped, values written as the messages
    /// write them.
    struct Own<'a> {
        note: &'a str,
        tags: &'a [IdToken],
        phases: &'a [Phase],
    }

    impl Encode for Own<'_> {
        fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
            let mut o = w.object()?;
            o.field("note", self.note)?;
            o.field_with("tags", |w| {
                let mut a = w.array()?;
                for t in self.tags {
                    a.item(t)?;
                }
                a.end()
            })?;
            o.field_with("each", |w| {
                let mut a = w.array()?;
                for p in self.phases {
                    a.item_with(|w| {
                        let mut o = w.object()?;
                        o.field("phase", p)?;
                        o.field("n", &-1i32)?;
                        o.end()
                    })?;
                }
                a.end()
            })?;
            o.field_with("empty", |w| w.object()?.end())?;
            o.end()
        }
    }

    #[test]
    fn a_payload_of_ones_own_is_written_as_json() {
        let tags = [
            IdToken::try_from_str("A").unwrap(),
            IdToken::try_from_str("B\"").unwrap(),
        ];
        let own = Own {
            note: "a\nb",
            tags: &tags,
            phases: &[Phase::L1, Phase::L2N],
        };
        let want = br#"[3,"9",{"note":"a\nb","tags":["A","B\""],"each":[{"phase":"L1","n":-1},{"phase":"L2-N","n":-1}],"empty":{}}]"#;
        let id = MessageId::from_u32(9);
        let mut buf = [0u8; 256];
        let n = encode_call_result(&mut buf, &id, &own);
        assert_eq!(n.map(|n| &buf[..n]), Ok(&want[..]));
        for short in 0..want.len() {
            let got = encode_call_result(&mut buf[..short], &id, &own);
            assert_eq!(got, Err(EncodeError::BufferFull), "{short}");
        }
        let empty = Own {
            note: "",
            tags: &[],
            phases: &[],
        };
        let n = encode_call_result(&mut buf, &id, &empty);
        let want = br#"[3,"9",{"note":"","tags":[],"each":[],"empty":{}}]"#;
        assert_eq!(n.map(|n| &buf[..n]), Ok(&want[..]));
    }

    #[test]
    fn a_writer_tells_what_it_wrote() {
        let mut buf = [0u8; 8];
        let mut w = Writer::new(&mut buf);
        assert!(w.is_empty());
        w.value("ab").unwrap();
        assert_eq!((w.len(), w.is_empty()), (4, false));
        assert_eq!(w.value("abcdefgh"), Err(Full));
        assert_eq!(w.len(), 4, "nothing of a refused value is counted");
        assert_eq!(&buf[..4], br#""ab""#);
        let w = Writer::new(&mut buf);
        assert_eq!(format!("{w:?}"), "Writer { len: 0, capacity: 8 }");
    }
}
