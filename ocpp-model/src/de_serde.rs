//! [`Reader`] as a serde `Deserializer`, for a firmware's own
//! [`crate::Decode`] types that would rather derive `Deserialize` (see the
//! `de` module). The messages of this crate do not use it.

use serde::de::{self, DeserializeSeed, Visitor};

use super::{Failed, Printable, Reader, Result};

macro_rules! narrow {
    ($($name:ident $visit:ident $t:ty, $read:ident;)*) => {
        $(
            fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
                let v = self.$read()?;
                visitor.$visit(<$t>::try_from(v).map_err(|_| Failed)?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Failed;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Failed)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.boolean()?;
        visitor.visit_bool(v)
    }

    narrow! {
        deserialize_i8 visit_i8 i8, signed;
        deserialize_i16 visit_i16 i16, signed;
        deserialize_i32 visit_i32 i32, signed;
        deserialize_u8 visit_u8 u8, unsigned;
        deserialize_u16 visit_u16 u16, unsigned;
        deserialize_u32 visit_u32 u32, unsigned;
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.signed()?;
        visitor.visit_i64(v)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.unsigned()?;
        visitor.visit_u64(v)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = match self.number()? {
            None => f32::NAN,
            Some(s) => s.parse().map_err(|_| Failed)?,
        };
        visitor.visit_f32(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.float()?;
        visitor.visit_f64(v)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let raw = self.string()?;
        visitor.visit_borrowed_str(raw)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// A string for a type of printable ASCII: [`Reader::printable`], to
    /// `visit_borrowed_bytes` when plain, `visit_borrowed_str` when raw.
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.printable()? {
            Printable::Plain(b) => visitor.visit_borrowed_bytes(b),
            Printable::Raw(s) => visitor.visit_borrowed_str(s),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Failed)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws().ok_or(Failed)? == b'n' {
            self.i += 1;
            self.ident(b"ull")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws().ok_or(Failed)? == b'n' {
            self.i += 1;
            self.ident(b"ull")?;
            visitor.visit_unit()
        } else {
            Err(Failed)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws().ok_or(Failed)? != b'[' {
            return Err(Failed);
        }
        self.i += 1;
        let value = visitor.visit_seq(Seq {
            de: &mut *self,
            first: true,
        })?;
        self.end_seq()?;
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.ws().ok_or(Failed)? != b'{' {
            return Err(Failed);
        }
        self.i += 1;
        let value = visitor.visit_map(Map {
            de: &mut *self,
            first: true,
        })?;
        self.end_map()?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Failed)
    }

    /// A string's raw bytes (escapes in, control characters refused, UTF-8
    /// not checked) to `visit_borrowed_bytes`: for a visitor that matches
    /// them against ASCII names (a property name, an enum value) or reads
    /// ASCII (a date-time), and checks UTF-8 itself before it reads them
    /// any other way.
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let raw = self.raw_string()?;
        visitor.visit_borrowed_bytes(raw)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Failed)
    }
}

/// The elements of an array, read as serde-json-core reads them.
struct Seq<'a, 'de> {
    de: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, 'de> {
    type Error = Failed;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let peek = match self.de.ws().ok_or(Failed)? {
            b']' => return Ok(None),
            b',' if !self.first => {
                self.de.i += 1;
                self.de.ws().ok_or(Failed)?
            }
            c if self.first => {
                self.first = false;
                c
            }
            _ => return Err(Failed),
        };
        if peek == b']' {
            return Err(Failed);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

/// The properties of an object, read as serde-json-core reads them.
struct Map<'a, 'de> {
    de: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Map<'_, 'de> {
    type Error = Failed;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let peek = match self.de.ws().ok_or(Failed)? {
            b'}' => return Ok(None),
            b',' if !self.first => {
                self.de.i += 1;
                self.de.ws()
            }
            b if self.first => {
                self.first = false;
                Some(b)
            }
            _ => return Err(Failed),
        };
        match peek.ok_or(Failed)? {
            b'"' => seed.deserialize(&mut *self.de).map(Some),
            _ => Err(Failed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        if self.de.ws() != Some(b':') {
            return Err(Failed);
        }
        self.de.i += 1;
        seed.deserialize(&mut *self.de)
    }
}
