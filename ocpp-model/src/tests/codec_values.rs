//! Tests of the decoder's readers of JSON values the messages do not use
//! (a top-level value that is no object, `null` for a number, options and
//! units), as a firmware's own types may.
#![allow(clippy::disallowed_types)]

use super::*;
use crate::macros::ocpp_object;
use crate::test_util::heap;

/// A payload is an object: a type that could read another JSON value at
/// the top (a number here) is refused before it reads it.
#[test]
fn a_payload_that_is_no_object_is_refused_as_such() {
    assert_eq!(
        decode::<u32, _>(b"5", heap()),
        Err(DecodeError::NOT_AN_OBJECT)
    );
    assert_eq!(
        decode::<u32, _>(b" 5 ", heap()),
        Err(DecodeError::NOT_AN_OBJECT)
    );
    assert_eq!(decode::<u32, _>(b"5 x", heap()), Err(DecodeError::NOT_JSON));
}

/// `null` where a number is asked: a float reads it as NaN (serde-json-core
/// did), which a property refuses as the wrong type; `nul` is no JSON.
#[test]
fn a_float_given_null_is_the_wrong_type() {
    ocpp_object! {
        /// A float property.
        pub struct Float {
            req x: f64 = "x";
        }
    }
    let wrong = DecodeError::new(ErrorCode::TypeConstraintViolation, "x: wrong type");
    assert_eq!(decode::<Float, _>(br#"{"x":null}"#, heap()), Err(wrong));
    assert_eq!(decode::<Float, _>(br#"{"x":null }"#, heap()), Err(wrong));
    assert_eq!(
        decode::<Float, _>(br#"{"x":nul}"#, heap()),
        Err(DecodeError::NOT_JSON)
    );
    assert_eq!(
        decode::<Float, _>(br#"{"x":nulll}"#, heap()),
        Err(DecodeError::NOT_JSON)
    );
}

/// No message of ours reads an optional value, a unit or a bare float
/// through serde (an absent property is `None`), but a firmware's own type
/// may: the deserializer reads them as serde-json-core did, `null` as
/// `None`, as `()` and as NaN.
#[test]
fn options_units_and_floats_read_null() {
    use serde::Deserialize as _;
    #[derive(Debug, PartialEq)]
    pub struct Maybe(Option<u32>, (), f64);
    impl<A: Allocator + Clone> Decode<A> for Maybe {
        fn decode(_cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
            <(Option<u32>, (), f64)>::deserialize(r).map(|(n, u, x)| Maybe(n, u, x))
        }
    }
    impl crate::Field for Maybe {
        fn serialize_field<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serde::Serialize::serialize(&(self.0, self.1, self.2), s)
        }
        fn write_json(&self, w: &mut crate::encode::Writer<'_>) -> Result<(), crate::encode::Full> {
            w.json(&(self.0, self.1, self.2))
        }
    }
    ocpp_object! {
        /// An optional number, a unit and a float.
        pub struct Triple {
            req p: Maybe = "p";
        }
    }
    // (the number, the unit, the float; NaN as None)
    let triple = |text: &str| {
        decode::<Triple, _>(format!(r#"{{"p":{text}}}"#).as_bytes(), heap())
            .map(|t| (t.p.0, t.p.1, Some(t.p.2).filter(|x| !x.is_nan())))
    };
    assert_eq!(triple("[null,null,null]"), Ok((None, (), None)));
    assert_eq!(triple("[ null , null , null ]"), Ok((None, (), None)));
    assert_eq!(triple("[7,null,1.5]"), Ok((Some(7), (), Some(1.5))));
    for text in [
        "[nul,null,1]",
        "[null,nul,1]",
        "[null,null,nul]",
        "[nulx,null,1]",
        "[null,nulx,1]",
        "[null,null,nulx]",
    ] {
        assert_eq!(triple(text), Err(DecodeError::NOT_JSON), "{text}");
    }
    for text in ["[\"7\",null,1]", "[7,0,1]", "[7,false,1]", "[7,null,\"1\"]"] {
        assert!(triple(text).is_err(), "{text}");
        assert_ne!(triple(text), Err(DecodeError::NOT_JSON), "{text}");
    }
}

/// A firmware's own type can read its JSON with the reader's calls, as the
/// generated decoders do.
#[test]
fn a_type_of_ones_own_reads_with_the_reader() {
    #[derive(Debug, PartialEq, Default)]
    struct Own {
        sum: i64,
        flag: bool,
        raw_len: usize,
        nulls: u32,
    }
    impl<A: Allocator + Clone> Decode<A> for Own {
        fn decode(cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
            let mut own = Own::default();
            r.object()?;
            let mut first = true;
            while let Some(name) = r.key(first)? {
                first = false;
                match name {
                    b"n" => {
                        r.array()?;
                        let mut first_item = true;
                        while r.item(first_item)? {
                            first_item = false;
                            own.sum += r.signed()?;
                        }
                    }
                    b"f" => own.flag = r.boolean()?,
                    b"s" => own.raw_len = r.string()?.len(),
                    b"z" => {
                        r.null()?;
                        own.nulls += 1;
                    }
                    _ => return Err(cx.fail_final(DecodeError::UNKNOWN_PROPERTY)),
                }
            }
            Ok(own)
        }
    }
    let own = |payload: &str| decode::<Own, _>(payload.as_bytes(), heap());
    assert_eq!(
        own(r#"{ "n" : [1, -2 ,3] ,"f":true,"s":"a\"b","z":null,"z":null}"#),
        Ok(Own {
            sum: 2,
            flag: true,
            raw_len: 4,
            nulls: 2
        })
    );
    assert_eq!(own(r#"{"n":[]}"#), Ok(Own::default()));
    assert_eq!(own(r#"{"q":1}"#), Err(DecodeError::UNKNOWN_PROPERTY));
    for malformed in [
        r#"{"n":[1,]}"#,
        r#"{"n":[,1]}"#,
        r#"{,"f":true}"#,
        r#"{"f":true,}"#,
    ] {
        assert_eq!(own(malformed), Err(DecodeError::NOT_JSON), "{malformed}");
    }
    for wrong in [r#"{"f":1}"#, r#"{"z":0}"#, r#"{"n":{}}"#, r#"{"s":1}"#] {
        assert!(own(wrong).is_err(), "{wrong}");
    }
}

/// Through serde, a firmware's own type reads objects and arrays as
/// serde-json-core did: a map of names to numbers and a sequence, empty
/// or not; a trailing comma or a missing bracket is malformed.
#[test]
fn serdes_maps_and_sequences_read_through_the_reader() {
    use serde::Deserialize as _;
    use std::collections::BTreeMap;
    type Parts = (BTreeMap<String, u32>, std::vec::Vec<u32>);
    #[derive(Debug, PartialEq)]
    pub struct Own(Parts);
    impl<A: Allocator + Clone> Decode<A> for Own {
        fn decode(_cx: &Cx<A>, r: &mut Reader<'_>) -> Result<Self, Failed> {
            Parts::deserialize(r).map(Own)
        }
    }
    impl crate::Field for Own {
        fn serialize_field<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serde::Serialize::serialize(&self.0, s)
        }
        fn write_json(&self, w: &mut crate::encode::Writer<'_>) -> Result<(), crate::encode::Full> {
            w.json(&self.0)
        }
    }
    ocpp_object! {
        /// A map and a sequence.
        pub struct Held {
            req p: Own = "p";
        }
    }
    let parts = |text: &str| {
        decode::<Held, _>(format!(r#"{{"p":{text}}}"#).as_bytes(), heap())
            .map(|h| (h.p.0 .0.into_iter().collect::<std::vec::Vec<_>>(), h.p.0 .1))
    };
    assert_eq!(
        parts(r#"[{"x":1,"y":2},[3,4]]"#),
        Ok((vec![("x".into(), 1), ("y".into(), 2)], vec![3, 4]))
    );
    assert_eq!(parts(r#"[ { } , [ ] ]"#), Ok((vec![], vec![])));
    for text in [
        r#"[{"x":1,},[]]"#,
        r#"[{"x":1},[3,]]"#,
        r#"[{"x":1},[3]"#,
        r#"[{"x":1,[3]]"#,
        r#"[{"x" 1},[3]]"#,
        r#"[,{"x":1},[3]]"#,
        r#"[{"x":1},[,3]]"#,
        r#"[{"x":1} [3]]"#,
        r#"[{"x":1},[3 4]]"#,
        r#"[{,"x":1},[3]]"#,
        r#"[{"x":1 "y":2},[3]]"#,
    ] {
        assert_eq!(parts(text), Err(DecodeError::NOT_JSON), "{text}");
    }
    for text in [r#"[[1],[3]]"#, r#"[{"x":"1"},[3]]"#, r#"[{"x":1},{}]"#] {
        assert!(parts(text).is_err(), "{text}");
        assert_ne!(parts(text), Err(DecodeError::NOT_JSON), "{text}");
    }
}
