//! The scanner's unit tests (in their own file: `scan.rs` is the scanner).

use super::*;

fn ok(s: &str) -> Scanned {
    scan(s.as_bytes(), 8).unwrap_or_else(|e| panic!("{s:?}: {e:?}"))
}

fn err(s: &str) -> ScanError {
    scan(s.as_bytes(), 8).expect_err(s)
}

#[test]
fn accepts_well_formed_json() {
    for s in [
        "0",
        "-0",
        "1.5e+3",
        "-12.25E-2",
        "true",
        "false",
        "null",
        "\"\"",
        "\"a\\u00e9\\n\"",
        "[]",
        "{}",
        " [ 1 , \"x\" , {\"a\" : [null]} ] ",
        "{\"a\":{\"b\":{}}}",
        "\"\\ud83d\\ude00\"",
    ] {
        ok(s);
    }
}

#[test]
fn rejects_malformed_json() {
    for s in [
        "",
        " ",
        "[",
        "]",
        "[1,]",
        "[,1]",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\":1,}",
        "{1:2}",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "+1",
        "tru",
        "nul",
        "True",
        "\"abc",
        "\"\\x\"",
        "\"\\u12G4\"",
        "\"a\tb\"",
        "[1 2]",
        "{\"a\":1 \"b\":2}",
        "[1]]",
        "[1] x",
        "{} {}",
        "[}",
        "{]",
        "'a'",
        "NaN",
        "[\"\\u00\"]",
    ] {
        assert_eq!(err(s), ScanError::NotJson, "{s:?}");
    }
}

#[test]
fn depth_is_limited_without_recursion() {
    assert_eq!(ok("[[[[[[[[]]]]]]]]").count, 1);
    assert_eq!(err("[[[[[[[[[]]]]]]]]]"), ScanError::TooDeep);
    let deep = "[".repeat(100_000);
    assert_eq!(scan(deep.as_bytes(), 64), Err(ScanError::TooDeep));
    assert_eq!(scan(deep.as_bytes(), usize::MAX), Err(ScanError::TooDeep));
    let balanced = format!("{}{}", "[".repeat(64), "]".repeat(64));
    assert!(scan(balanced.as_bytes(), 64).is_ok());
    // Objects and arrays interleaved: the bit stack keeps them apart.
    assert!(scan(br#"[{"a":[{"b":[]}]}]"#, 8).is_ok());
    assert_eq!(scan(br#"[{"a":[{"b":[}]}]"#, 8), Err(ScanError::NotJson));
}

/// The bit of a depth says object or array: an object there sets it, and
/// an array that comes after it at the same depth must clear it again (an
/// object, then a list, in a payload or a CALLERROR's details).
#[test]
fn an_array_after_an_object_at_the_same_depth_is_an_array() {
    for s in [
        r#"[{"a":1},[1,2]]"#,
        r#"{"a":{"b":1},"c":[1,2]}"#,
        r#"[[{}],[[1,2]]]"#,
        r#"{"a":[{"b":{}},[[3,4]]]}"#,
    ] {
        ok(s);
    }
    for s in [r#"[{"a":1},[1:2]]"#, r#"{"a":{"b":1},"c":[1,"d":2]}"#] {
        assert_eq!(err(s), ScanError::NotJson, "{s:?}");
    }
}

#[test]
fn splits_top_level_array() {
    let s = r#" [2, "id" ,"Heartbeat", {"a": [1]} ] "#;
    let r = ok(s);
    assert!(r.is_array);
    assert_eq!(r.count, 4);
    let parts: Vec<&str> = r.elements[..4].iter().map(|&(a, b)| &s[a..b]).collect();
    assert_eq!(parts, ["2", "\"id\"", "\"Heartbeat\"", "{\"a\": [1]}"]);
    let many = ok("[1,2,3,4,5,6,7]");
    assert_eq!(many.count, 7);
    assert_eq!(many.elements[4], (9, 10));
    assert!(!ok("{}").is_array);
    assert_eq!(ok("[]").count, 0);
}

#[test]
fn string_runs_stop_at_quotes_backslashes_and_controls_only() {
    // Every byte value at every offset of a 20-byte run, against the
    // byte-by-byte definition.
    for b in 0..=255u8 {
        for at in 0..20 {
            let mut bytes = [b'a'; 20];
            bytes[at] = b;
            let expected = bytes
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20);
            assert_eq!(plain_run_end(&bytes, 0), expected, "byte {b:#x} at {at}");
            assert_eq!(plain_run_end(&bytes, at), expected.filter(|&p| p >= at));
        }
    }
    // Bytes >= 0x80 next to each other (they may trip the word test).
    let utf8 = "éé😀⚡ ~\x7f\"".as_bytes();
    assert_eq!(plain_run_end(utf8, 0), Some(utf8.len() - 1));
    assert_eq!(plain_run_end(b"", 0), None);
    assert_eq!(plain_run_end(b"abc", 5), None);
}

#[test]
fn printable_runs_stop_at_quotes_backslashes_and_non_printables() {
    for b in 0..=255u8 {
        for at in 0..20 {
            let mut bytes = [b'a'; 20];
            bytes[at] = b;
            let expected = bytes
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || !(b' '..=b'~').contains(&c));
            assert_eq!(
                printable_run_end(&bytes, 0),
                expected,
                "byte {b:#x} at {at}"
            );
            assert_eq!(printable_run_end(&bytes, at), expected.filter(|&p| p >= at));
            // Behind another stop byte (a borrow must not hide it).
            bytes[19] = 0;
            let first = printable_run_end(&bytes, 0);
            assert_eq!(first, expected.or(Some(19)), "byte {b:#x} at {at}, 0 at 19");
        }
    }
    assert_eq!(printable_run_end(b"", 0), None);
    assert_eq!(printable_run_end(b"~~ ~~ ~~ ~~", 0), None);
}

#[test]
fn errors_display_for_people() {
    assert_eq!(
        ScanError::NotJson.to_string(),
        "not one well-formed JSON value"
    );
    assert_eq!(
        ScanError::TooDeep.to_string(),
        "JSON nested deeper than the limit"
    );
}

#[test]
fn unescapes() {
    let mut buf = [0u8; 16];
    assert_eq!(unescape_into(r"AB\u0043D", &mut buf), Some("ABCD"));
    assert_eq!(
        unescape_into(r#"\"\\\/\b\f\n\r\t"#, &mut buf),
        Some("\"\\/\u{8}\u{c}\n\r\t")
    );
    assert_eq!(unescape_into(r"\ud83d\ude00", &mut buf), Some("\u{1F600}"));
    assert_eq!(unescape_into(r"\ud83d", &mut buf), None);
    assert_eq!(unescape_into(r"\ude00", &mut buf), None);
    assert_eq!(unescape_into(r"\ud83d\u0041", &mut buf), None);
    assert_eq!(unescape_into(r"\u+041", &mut buf), None);
    assert_eq!(unescape_into("0123456789abcdefg", &mut buf), None);
    assert!(eq_unescaped(r"id\u0054ag", "idTag"));
    assert!(eq_unescaped("idTag", "idTag"));
    assert!(!eq_unescaped(r"id\u0054a", "idTag"));
    assert!(!eq_unescaped(r"id\u0054agX", "idTag"));
}
