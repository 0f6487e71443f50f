//! The two table macros every message and enum is generated from.
//!
//! `ocpp_enum!` takes the variants of a string enum (the wire name is the
//! variant's name unless given: `EnergyActiveImportRegister =
//! "Energy.Active.Import.Register"`) and generates the enum with `ALL`,
//! `as_str`, `parse`, `Display`, `Serialize` and `Decode`.
//!
//! `ocpp_object!` takes the properties of a JSON object, one line each:
//!
//! ```text
//! req rust_name: Type = "jsonName";                 // required
//! opt rust_name: Type = "jsonName";                 // optional: Option<Type>
//! req rust_name: Vec<T, A> = "jsonName", min_items = 1;
//! ```
//!
//! and generates the struct (generic over `A` when written `Name<A>`, plain
//! otherwise), `Debug`, `PartialEq`, `Serialize` (absent options are left
//! out, never `null`) and `Decode`, whose object decoder rejects unknown
//! properties and duplicates (`FormationViolation`), reports a missing
//! required property (`ProtocolError`), checks `minItems` and, through the
//! `Vec` decoder, `Limits::max_items` (both `OccurenceConstraintViolation`),
//! and names the property in the description of any failure of its value.

/// The wire name of an enum variant: its own name, or the given literal.
macro_rules! wire_name {
    ($v:ident) => {
        stringify!($v)
    };
    ($v:ident $w:literal) => {
        $w
    };
}

macro_rules! ocpp_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident $(= $wire:literal)? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in the order of the specification.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Its place in [`Self::ALL`] (`ALL[v.index()] == v`), without
            /// a search: the variants are declared in the order of `ALL`.
            #[inline]
            pub const fn index(self) -> usize {
                self as usize
            }

            /// The name on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $crate::macros::wire_name!($variant $($wire)?), )+
                }
            }

            /// The variant with this wire name (exact and case-sensitive).
            #[inline]
            pub fn parse(s: &str) -> ::core::result::Result<Self, $crate::UnknownVariant> {
                Self::parse_bytes(s.as_bytes())
            }

            /// [`Self::parse`] of bytes, which need not be UTF-8 (the
            /// decoder's route: a value is matched before it is checked).
            #[doc(hidden)]
            pub fn parse_bytes(b: &[u8]) -> ::core::result::Result<Self, $crate::UnknownVariant> {
                // What a `match` on `&str` literals compiles to: each name's
                // length compared, its bytes only when the length is the
                // same. (Byte-string patterns would compare byte by byte, in
                // four times the code.)
                $(
                    if b == $crate::macros::wire_name!($variant $($wire)?).as_bytes() {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::UnknownVariant)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $crate::Field for $name {
            fn serialize_field<S: ::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }

            fn write_json(&self, w: &mut $crate::encode::Writer<'_>) -> ::core::result::Result<(), $crate::encode::Full> {
                // A wire name has nothing to escape.
                w.plain(self.as_str().as_bytes())
            }
        }

        impl<A: $crate::Allocator + Clone> $crate::Decode<A> for $name {
            const VIOLATIONS: u16 = $crate::Violation::UnknownValue.bit();

            fn decode(
                cx: &$crate::Cx<A>,
                r: &mut $crate::codec::Reader<'_>,
            ) -> ::core::result::Result<Self, $crate::codec::Failed> {
                /// The wire names, in the order of `ALL` (the same
                /// constants as `as_str`'s).
                const NAMES: &[&str] = &[$( $crate::macros::wire_name!($variant $($wire)?), )+];
                $crate::codec::decode_enum(cx, r, Self::ALL, NAMES, Self::parse_bytes)
            }
        }
    };
}

/// The Rust type of a property: `Option` when optional.
macro_rules! field_ty {
    (req $ty:ty) => { $ty };
    (opt $ty:ty) => { ::core::option::Option<$ty> };
}

/// Serializes one property (an absent option is skipped).
macro_rules! ser_field {
    (req $st:ident $json:literal $e:expr) => {
        $st.serialize_field($json, &$crate::encode::FieldSer($e))?;
    };
    (opt $st:ident $json:literal $e:expr) => {
        match $e {
            ::core::option::Option::Some(v) => $st.serialize_field($json, &$crate::encode::FieldSer(v))?,
            ::core::option::Option::None => $st.skip_field($json)?,
        }
    };
}

/// Writes one property, `,"name":value`, or `{"name":value` when `$first`
/// (an absent option is skipped).
macro_rules! write_field {
    (req $w:ident $first:ident $json:literal $e:expr) => {
        $w.property($first, concat!(",\"", $json, "\":").as_bytes())?;
        $first = false;
        $crate::Field::write_json($e, $w)?;
    };
    (opt $w:ident $first:ident $json:literal $e:expr) => {
        if let ::core::option::Option::Some(v) = $e {
            $w.property($first, concat!(",\"", $json, "\":").as_bytes())?;
            $first = false;
            $crate::Field::write_json(v, $w)?;
        }
    };
}

/// 1 when the property will be serialized.
macro_rules! field_present {
    (req $e:expr) => {
        1usize
    };
    (opt $e:expr) => {
        usize::from($e.is_some())
    };
}

/// The decoded value of a property once the object ended.
macro_rules! finish_field {
    (req $cx:ident $f:ident $json:literal) => {
        match $f {
            ::core::option::Option::Some(v) => v,
            ::core::option::Option::None => {
                return Err($cx.fail_final($crate::DecodeError::new(
                    $crate::ErrorCode::ProtocolError,
                    concat!($json, ": required property missing"),
                )));
            }
        }
    };
    (opt $cx:ident $f:ident $json:literal) => {
        $f
    };
}

/// The description of a violation of property `$json` of type `$ty`. Only the
/// violations the type declares (`Decode::VIOLATIONS`) get a string naming
/// the property: each is a few dozen bytes of flash. The guards are constant
/// after monomorphization, so the other arms are dead code an optimizing
/// build can drop with their strings (expected, not measured).
macro_rules! describe {
    ($ty:ty, $a:ident, $json:literal, $v:expr) => {{
        use $crate::Violation as V_;
        let bits = <$ty as $crate::Decode<$a>>::VIOLATIONS;
        match $v {
            V_::WrongType => concat!($json, ": wrong type"),
            V_::TooLong if bits & V_::TooLong.bit() != 0 => {
                concat!($json, ": longer than maxLength")
            }
            V_::NotPrintable if bits & V_::NotPrintable.bit() != 0 => {
                concat!($json, ": not printable ASCII")
            }
            V_::OutOfRange if bits & V_::OutOfRange.bit() != 0 => {
                concat!($json, ": number out of range")
            }
            V_::UnknownValue if bits & V_::UnknownValue.bit() != 0 => {
                concat!($json, ": unknown enum value")
            }
            V_::BadDateTime if bits & V_::BadDateTime.bit() != 0 => {
                concat!($json, ": invalid date-time")
            }
            V_::NotMultipleOf if bits & V_::NotMultipleOf.bit() != 0 => {
                concat!($json, ": not a multiple of 0.1")
            }
            V_::TooManyItems if bits & V_::TooManyItems.bit() != 0 => {
                concat!($json, ": more items than this charge point accepts")
            }
            other => other.text(),
        }
    }};
}

macro_rules! ocpp_object {
    (@impls [$($hdr:tt)*] [$($self_ty:tt)*] $name:ident {
        $( $kind:ident $field:ident : $ty:ty = $json:literal $(, min_items = $min:literal)? ; )*
    }) => {
        $($hdr)* ::core::fmt::Debug for $($self_ty)* {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(stringify!($name))
                    $( .field(stringify!($field), &self.$field) )*
                    .finish()
            }
        }

        $($hdr)* ::core::cmp::PartialEq for $($self_ty)* {
            #[allow(unused_variables)]
            fn eq(&self, other: &Self) -> bool {
                true $( && self.$field == other.$field )*
            }
        }

        $($hdr)* ::serde::Serialize for $($self_ty)* {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let len = 0usize $( + $crate::macros::field_present!($kind self.$field) )*;
                #[allow(unused_mut)]
                let mut st = s.serialize_struct(stringify!($name), len)?;
                $( $crate::macros::ser_field!($kind st $json &self.$field); )*
                st.end()
            }
        }

        $($hdr)* $crate::Field for $($self_ty)* {
            fn serialize_field<S: ::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(self, s)
            }

            #[inline]
            fn write_json(&self, w: &mut $crate::encode::Writer<'_>) -> ::core::result::Result<(), $crate::encode::Full> {
                $crate::encode::Encode::encode_json(self, w)
            }
        }

        $($hdr)* $crate::encode::Encode for $($self_ty)* {
            // Not inlined into `Field::write_json`: one copy of each.
            #[inline(never)]
            #[allow(unused_assignments, unused_mut)]
            fn encode_json(&self, w: &mut $crate::encode::Writer<'_>) -> ::core::result::Result<(), $crate::encode::Full> {
                // The first property written opens the object.
                let mut first = true;
                $( $crate::macros::write_field!($kind w first $json &self.$field); )*
                w.end_object(first)
            }
        }

        impl<A: $crate::Allocator + Clone> $crate::Decode<A> for $($self_ty)* {
            #[allow(unused_mut, unused_variables, unused_assignments, unreachable_code)]
            fn decode(
                cx: &$crate::Cx<A>,
                r: &mut $crate::codec::Reader<'_>,
            ) -> ::core::result::Result<Self, $crate::codec::Failed> {
                #[allow(non_camel_case_types)]
                #[derive(Clone, Copy)]
                enum __Field { $( $field, )* }
                /// Each name with its closing quote, in the table's order.
                const __NAMES: &[&[u8]] = &[$( concat!($json, "\"").as_bytes(), )*];
                const __FIELDS: &[__Field] = &[$( __Field::$field, )*];
                r.object()?;
                $( let mut $field: ::core::option::Option<$ty> = None; )*
                // The "wrong type" description of the last property read, for
                // a failure the reader meets only at the next key (the `.5`
                // of `1.5` read as an integer).
                let mut last: ::core::option::Option<&'static str> = None;
                let mut first = true;
                let mut hint = 0;
                loop {
                    let name = match r.property(first, __NAMES, hint) {
                        Ok(Some(name)) => name,
                        Ok(None) => break,
                        Err(e) => {
                            if let Some(l) = last {
                                cx.wrong_type_if_clear(l);
                            }
                            return Err(e);
                        }
                    };
                    first = false;
                    let which = match name {
                        $crate::codec::Name::Known(k) => __FIELDS.get(k).copied(),
                        $crate::codec::Name::Raw(raw) => $crate::codec::name_index(__NAMES, raw)
                            .and_then(|k| __FIELDS.get(k).copied()),
                    };
                    let Some(which) = which else {
                        return Err(cx.fail_final($crate::DecodeError::UNKNOWN_PROPERTY));
                    };
                    match which {
                        $( __Field::$field => {
                            if $field.is_some() {
                                return Err(cx.fail_final($crate::DecodeError::new(
                                    $crate::ErrorCode::FormationViolation,
                                    concat!($json, ": duplicate property"),
                                )));
                            }
                            match <$ty as $crate::Decode<A>>::decode(cx, r) {
                                Ok(v) => {
                                    $(
                                        if $crate::codec::ItemCount::item_count(&v) < $min {
                                            return Err(cx.fail_final($crate::DecodeError::new(
                                                $crate::ErrorCode::OccurenceConstraintViolation,
                                                concat!($json, ": fewer items than minItems"),
                                            )));
                                        }
                                    )?
                                    $field = Some(v);
                                }
                                Err(e) => {
                                    cx.attribute(|v| $crate::macros::describe!($ty, A, $json, v));
                                    return Err(e);
                                }
                            }
                            last = Some(concat!($json, ": wrong type"));
                            hint = __Field::$field as usize + 1;
                        } )*
                    }
                }
                $( let $field = $crate::macros::finish_field!($kind cx $field $json); )*
                Ok($name { $( $field, )* })
            }
        }
    };

    (
        $(#[$meta:meta])*
        pub struct $name:ident<A> {
            $( $(#[$fmeta:meta])* $kind:ident $field:ident : $ty:ty = $json:literal $(, min_items = $min:literal)? ; )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name<A: $crate::Allocator> {
            $(
                $(#[$fmeta])*
                #[doc = concat!("`", $json, "` (", stringify!($kind), ")")]
                pub $field: $crate::macros::field_ty!($kind $ty),
            )*
        }
        $crate::macros::ocpp_object!(@impls [impl<A: $crate::Allocator>] [$name<A>] $name {
            $( $kind $field : $ty = $json $(, min_items = $min)? ; )*
        });
    };

    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $field:ident : $ty:ty = $json:literal $(, min_items = $min:literal)? ; )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[doc = concat!("`", $json, "` (", stringify!($kind), ")")]
                pub $field: $crate::macros::field_ty!($kind $ty),
            )*
        }
        $crate::macros::ocpp_object!(@impls [impl] [$name] $name {
            $( $kind $field : $ty = $json $(, min_items = $min)? ; )*
        });
    };
}

pub(crate) use {
    describe, field_present, field_ty, finish_field, ocpp_enum, ocpp_object, ser_field, wire_name,
    write_field,
};
