//! Tests of the encoders' JSON writer against serde-json-core.

use super::*;

/// Ours and serde-json-core's bytes for `v`, or both refusing.
fn same<T: Serialize + ?Sized>(v: &T) {
    for size in [0usize, 1, 3, 8, 64, 512] {
        let mut a = vec![0u8; size];
        let mut w = Writer {
            buf: &mut a,
            len: 0,
        };
        let ours = w.json(v).map(|()| w.len);
        let mut b = vec![0u8; size];
        let theirs = serde_json_core::to_slice(v, &mut b);
        match (ours, theirs) {
            (Ok(n), Ok(m)) => assert_eq!(&a[..n], &b[..m], "size {size}"),
            (Err(_), Err(_)) => {}
            (o, t) => panic!("size {size}: ours {o:?}, serde-json-core {t:?}"),
        }
    }
}

#[test]
fn writes_what_serde_json_core_writes() {
    for s in [
        "",
        "plain",
        "a\"b\\c/d",
        "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f}",
        "größe ⚡ 😀",
        "\"",
        "end\\",
    ] {
        same(s);
    }
    for v in [0i64, 1, -1, 42, i64::MIN, i64::MAX, -2_147_483_648] {
        same(&v);
    }
    for v in [0u64, 9, 10, u64::MAX] {
        same(&v);
    }
    same(&u32::MAX);
    same(&i32::MIN);
    for v in [
        0.0f64,
        -0.0,
        1.5,
        183.3,
        1e300,
        -2.5e-7,
        f64::NAN,
        f64::INFINITY,
    ] {
        same(&v);
    }
    same(&(true, false, (), Some(3u8), None::<u8>, [1u16, 2, 3]));
    same(&[[1i8], [2i8]]);
    same(&("k", &[] as &[u8]));
}

/// The rest of serde's data model, which our messages do not use, as
/// serde-json-core writes it, or refused where it refuses.
#[test]
fn writes_the_rest_of_serdes_model_as_serde_json_core() {
    use std::collections::BTreeMap;
    struct Shape(u8);
    impl Serialize for Shape {
        fn serialize<Z: ser::Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
            use ser::SerializeTupleStruct as _;
            match self.0 {
                0 => s.serialize_unit_struct("U"),
                1 => s.serialize_unit_variant("E", 0, "A"),
                2 => s.serialize_newtype_struct("N", &5u8),
                3 => s.serialize_newtype_variant("E", 1, "B", &5u8),
                4 => s.collect_str(&format_args!("a\"b{}\n", 7)),
                _ => {
                    let mut t = s.serialize_tuple_struct("T", 2)?;
                    t.serialize_field(&1u8)?;
                    t.serialize_field("y")?;
                    t.end()
                }
            }
        }
    }
    for shape in 0..6 {
        same(&Shape(shape));
    }
    same(&(-300i16, 1.5f32, serde_bytes_like(b"raw")));
    // A char, which serde-json-core does not write (it panics): as a
    // one-character string.
    for (c, json) in [('é', "\"é\""), ('"', r#""\"""#), ('\n', r#""\n""#)] {
        let mut buf = [0u8; 8];
        let mut w = Writer {
            buf: &mut buf,
            len: 0,
        };
        w.json(&c).unwrap();
        let n = w.len;
        assert_eq!(&buf[..n], json.as_bytes(), "{c:?}");
    }
    same(&BTreeMap::from([("a", 1u8), ("b", 2)]));
    same(&BTreeMap::<&str, u8>::new());
    same(&[Shape(0), Shape(1), Shape(5)]);
}

/// A value serialized as bytes (serde's `serialize_bytes`).
fn serde_bytes_like(b: &'static [u8]) -> impl Serialize {
    struct B(&'static [u8]);
    impl Serialize for B {
        fn serialize<Z: ser::Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
            s.serialize_bytes(self.0)
        }
    }
    B(b)
}

/// Floats that are a number of tenths skip ryu: the same bytes, for
/// every `i32` of tenths near 0, near the ends and spread between,
/// and for floats near them that are none.
#[test]
fn tenths_are_written_as_ryu_writes_them() {
    let mut ts: Vec<i32> = (-2000..=2000).collect();
    ts.extend([
        i32::MIN,
        i32::MIN + 1,
        i32::MAX,
        i32::MAX - 1,
        1_000_000_000,
    ]);
    ts.extend((0..2000i32).map(|k| k.wrapping_mul(-1_640_531_535)));
    for t in ts {
        let v = f64::from(t) / 10.0;
        assert_eq!(tenths_of(v), Some(t), "{t}");
        same(&v);
        same(&(v + v.abs().max(1.0) * 1e-12));
        same(&f64::from_bits(v.to_bits() + 1));
    }
    for v in [-0.0, 0.05, 1e10, -3e9, 214_748_364.75, 1e-7, f64::NAN] {
        same(&v);
    }
    assert_eq!(tenths_of(-0.0), None);
    assert_eq!(tenths_of(0.05), None);
}

#[test]
fn writes_structs_as_serde_json_core() {
    struct S;
    impl Serialize for S {
        fn serialize<Z: ser::Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
            use ser::SerializeStruct as _;
            let mut st = s.serialize_struct("S", 3)?;
            st.serialize_field("a", &1)?;
            st.skip_field("b")?;
            st.serialize_field("c", "x\ny")?;
            st.serialize_field("d", &[1.5f64])?;
            st.end()
        }
    }
    same(&S);
}
