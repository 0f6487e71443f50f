//! The scripted central system: its usual answer to each of our CALLs.

/// The CALLRESULT payload the scripted central system gives `action`.
pub(crate) fn usual_answer(action: &str) -> &'static str {
    match action {
        "BootNotification" => {
            r#"{"status":"Accepted","currentTime":"2026-11-25T10:00:00Z","interval":300}"#
        }
        "Heartbeat" => r#"{"currentTime":"2026-11-25T10:05:00Z"}"#,
        "Authorize" => {
            r#"{"idTagInfo":{"status":"Accepted","expiryDate":"2027-01-01T00:00:00Z","parentIdTag":"FLEET-7"}}"#
        }
        "StartTransaction" => r#"{"transactionId":42,"idTagInfo":{"status":"Accepted"}}"#,
        "StopTransaction" => r#"{"idTagInfo":{"status":"Accepted"}}"#,
        _ => "{}",
    }
}

/// The message id and action of a CALL we sent, read without the code under test.
pub(crate) fn call_of(frame: &str) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(frame).ok()?;
    if v.get(0)?.as_u64()? != 2 {
        return None;
    }
    Some((
        v.get(1)?.as_str()?.to_owned(),
        v.get(2)?.as_str()?.to_owned(),
    ))
}
