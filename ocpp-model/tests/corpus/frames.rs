//! The corpus cases of the frame level: shape, message type, id, action,
//! size and depth.

use super::*;

pub fn cases() -> Vec<Case> {
    let hb = "Heartbeat";
    let auth = "Authorize";
    let hbc = "HeartbeatResponse";
    // 4000 levels: within the default size limit, so the depth check speaks.
    let deep_call = format!(r#"[2,"d1","Heartbeat",{}"#, "[".repeat(4000));
    let big = format!(r#"[2,"big","Heartbeat",{{}}{}]"#, " ".repeat(5000));
    vec![
        // ---- frame level --------------------------------------------------
        case(hb, "hello", Rejected(NotJson, None)),
        case(hb, "", Rejected(NotJson, None)),
        case(
            hb,
            r#"[2,"n1","Heartbeat",{]"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(
            auth,
            b"[2,\"u1\",\"Authorize\",{\"idTag\":\"\xff\"}]",
            Rejected(NotUtf8, Some(FormationViolation)),
        ),
        case(
            auth,
            r#"[2,"t1","Authorize",{"idTag":"AB"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"t2","Heartbeat",{}"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(hb, r#"{"a":1}"#, Rejected(NotAnArray, None)),
        case(
            hb,
            r#""[2,\"1\",\"Heartbeat\",{}]""#,
            Rejected(NotAnArray, None),
        ),
        case(hb, r#"[5,"x1",{}]"#, Rejected(UnknownMessageType, None)),
        case(
            hb,
            r#"["2","x2","Heartbeat",{}]"#,
            Rejected(UnknownMessageType, None),
        ),
        case(
            hb,
            r#"[2.0,"x3","Heartbeat",{}]"#,
            Rejected(UnknownMessageType, None),
        ),
        case(hb, "[]", Rejected(UnknownMessageType, None)),
        case(
            hb,
            format!(r#"[2,"{}","Heartbeat",{{}}]"#, "i".repeat(37)),
            Rejected(BadMessageId, None),
        ),
        case(
            hb,
            format!(r#"[2,"{}","Heartbeat",{{}}]"#, "i".repeat(36)),
            Valid,
        ),
        // Ids are measured after unescaping: 36 characters written as 216.
        case(
            hb,
            format!(r#"[2,"{}","Heartbeat",{{}}]"#, r"\u0041".repeat(36)),
            Valid,
        ),
        case(
            hb,
            format!(r#"[2,"{}","Heartbeat",{{}}]"#, r"\u0041".repeat(37)),
            Rejected(BadMessageId, None),
        ),
        case(hb, r#"[2,"\"\\\n","Heartbeat",{}]"#, Valid),
        case(
            hb,
            format!(r#"[2,"{}","Heartbeat",{{}}]"#, "é".repeat(18)),
            Valid,
        ),
        // 19 characters, but 38 bytes: an id is held in 36 bytes.
        stricter(
            hb,
            format!(r#"[2,"{}","Heartbeat",{{}}]"#, "é".repeat(19)),
            Rejected(BadMessageId, None),
        ),
        case(
            hb,
            r#"[2,"\ud800","Heartbeat",{}]"#,
            Rejected(BadMessageId, None),
        ),
        case(hb, r#"[2,"","Heartbeat",{}]"#, Rejected(BadMessageId, None)),
        case(hb, r#"[2,1,"Heartbeat",{}]"#, Rejected(BadMessageId, None)),
        case(
            hb,
            r#"[2,"w1","Heartbeat"]"#,
            Rejected(WrongElementCount, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"w2","Heartbeat",{},{}]"#,
            Rejected(WrongElementCount, Some(FormationViolation)),
        ),
        case(hbc, r#"[3,"w3"]"#, Rejected(WrongElementCount, None)),
        case(
            hb,
            r#"[2,"b1",7,{}]"#,
            Rejected(BadAction, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"b2","",{}]"#,
            Rejected(BadAction, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"p1","Heartbeat",null]"#,
            Rejected(PayloadNotObject, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"p2","Heartbeat",[]]"#,
            Rejected(PayloadNotObject, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"p3","Heartbeat","{}"]"#,
            Rejected(PayloadNotObject, Some(FormationViolation)),
        ),
        case(hbc, r#"[3,"r1",null]"#, Rejected(PayloadNotObject, None)),
        case(hb, r#"[4,"e1",5,"",{}]"#, Rejected(BadErrorCode, None)),
        case(
            hb,
            r#"[4,"e2","GenericError",null,{}]"#,
            Rejected(BadErrorDescription, None),
        ),
        case(
            hb,
            r#"[2,"g1","Heartbeat",{}] x"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"g2","Heartbeat",{}][3,"g2",{}]"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(
            hb,
            r#"[2,"g3","Heartbeat",{},]"#,
            Rejected(NotJson, Some(FormationViolation)),
        ),
        case(hb, r#"[2,'g4','Heartbeat',{}]"#, Rejected(NotJson, None)),
        case(hb, deep_call, Rejected(TooDeep, Some(FormationViolation))),
        case(
            hb,
            format!("{}{}", "[".repeat(2000), "]".repeat(2000)),
            Rejected(TooDeep, None),
        ),
        case(
            hb,
            format!(
                r#"[2,"d2","Heartbeat",{{"a":{}1{}}}]"#,
                "[".repeat(7),
                "]".repeat(7)
            ),
            Rejected(TooDeep, Some(FormationViolation)),
        ),
        case(
            hb,
            format!(
                r#"[2,"d3","Heartbeat",{{"a":{}1{}}}]"#,
                "[".repeat(6),
                "]".repeat(6)
            ),
            Invalid(FormationViolation, "unknown property"),
        ),
        stricter(hb, big, Rejected(TooLarge, Some(InternalError))),
        case(hb, " \r\n\t[ 2 , \"ws\" , \"Heartbeat\" , { } ] \n", Valid),
        // ---- action ---------------------------------------------------------
        case(hb, r#"[2,"a1","FooBar",{}]"#, UnknownAction),
        case(hb, r#"[2,"a2","heartbeat",{}]"#, UnknownAction),
        // Escaped names work like plain ones; over-long names are unknown.
        case(hb, r#"[2,"a3","Heart\u0062eat",{}]"#, Valid),
        case(
            auth,
            r#"[2,"a4","\u0041uthorize",{"idTag":"\u0041"}]"#,
            Valid,
        ),
        case(hb, r#"[2,"a5","Heart\u0062eat\u0021",{}]"#, UnknownAction),
        case(
            hb,
            format!(r#"[2,"a6","{}",{{}}]"#, r"\u0041".repeat(100)),
            UnknownAction,
        ),
        case(
            hb,
            format!(r#"[2,"a7","{}",{{}}]"#, "A".repeat(1000)),
            UnknownAction,
        ),
    ]
}
