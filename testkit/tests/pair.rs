//! The drive loop against the engine: the usual answers reach the charge
//! point, the clock wakes it at its deadlines, and a test can change the
//! answer to one action.

use ocpp_alloc::{HostPool, Talc};
use ocpp_engine::ocpp_model::{
    Action, AuthorizationStatus, ChargePointStatus, ErrorCode, Reason, RegistrationStatus,
};
use ocpp_engine::{CallFailure, Config, Event, Instant};
use ocpp_testkit::{Answer, EngineCall, Error, Heard, Observer, Pair, TRANSACTION_ID};

/// Every frame both ways (`>` sent by the charge point, `<` answered) and
/// every event.
#[derive(Debug, Default)]
struct Transcript {
    frames: Vec<String>,
    events: Vec<Event>,
}

impl Transcript {
    /// The actions of the CALLs sent since the last call, and forgets them.
    fn calls(&mut self) -> Vec<String> {
        let calls = self
            .frames
            .iter()
            .filter_map(|f| f.strip_prefix("> [2,"))
            .map(|f| f.split('"').nth(3).unwrap_or("?").to_owned())
            .collect();
        self.frames.clear();
        calls
    }
}

impl Observer for Transcript {
    fn sent(&mut self, frame: &[u8], heard: &Heard<'_>) -> Result<(), Error> {
        if let Heard::Call { action: None, .. } = heard {
            return Err(Error::Script("an action the model does not know"));
        }
        self.frames
            .push(format!("> {}", String::from_utf8_lossy(frame)));
        Ok(())
    }
    fn answered(&mut self, frame: &[u8]) -> Result<(), Error> {
        self.frames
            .push(format!("< {}", String::from_utf8_lossy(frame)));
        Ok(())
    }
    fn event(&mut self, event: Event) -> Result<(), Error> {
        self.events.push(event);
        Ok(())
    }
}

type P<'p> = Pair<&'p ocpp_alloc::Pool<Talc>, Transcript>;

fn booted(pool: &HostPool<Talc>) -> P<'_> {
    let config = Config::new("VendorX", "ModelY").with_connectors(1);
    let mut p = Pair::new(&config, &**pool, Transcript::default()).unwrap();
    p.connect().unwrap();
    assert_eq!(
        p.observer.calls(),
        [
            "BootNotification",
            "StatusNotification",
            "StatusNotification"
        ]
    );
    assert_eq!(
        p.observer.events,
        [Event::Registered(RegistrationStatus::Accepted)]
    );
    p.observer.events.clear();
    p
}

#[test]
fn boots_and_runs_a_transaction_on_the_usual_answers() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut p = booted(&pool);
    assert!(p.observer.frames.is_empty());

    p.input(|cp, now| cp.plug_in(now, 1)).unwrap();
    p.input(|cp, now| cp.present_id_tag(now, 1, "ABCD1234"))
        .unwrap();
    assert_eq!(
        p.observer.calls(),
        [
            "StatusNotification",
            "Authorize",
            "StartTransaction",
            "StatusNotification"
        ]
    );
    assert_eq!(p.cp.transaction(1), Some(Some(TRANSACTION_ID)));
    assert_eq!(
        p.cp.status(1).map(|(s, _)| s),
        Some(ChargePointStatus::Charging)
    );

    p.input(|cp, now| cp.stop_transaction(now, 1, Reason::Local))
        .unwrap();
    assert_eq!(
        p.observer.calls(),
        ["StopTransaction", "StatusNotification"]
    );
    assert_eq!(p.cp.transaction(1), None);
}

#[test]
fn advance_wakes_the_charge_point_at_its_deadlines() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut p = booted(&pool);
    let start = p.now;
    // Heartbeats every 300 s (the usual BootNotification answer).
    p.advance(900).unwrap();
    assert_eq!(p.observer.calls(), ["Heartbeat"; 3]);
    assert_eq!((p.now - start).as_secs(), 900);
    let waited = p.advance_to_next_deadline().unwrap();
    assert_eq!(waited.as_secs(), 300);
    assert_eq!(p.observer.calls(), ["Heartbeat"]);
    // To an instant, in milliseconds; one in the past wakes it at now.
    let at = p.now;
    p.advance_to(Instant::from_millis(at.as_millis() + 300_500))
        .unwrap();
    assert_eq!(p.observer.calls(), ["Heartbeat"]);
    assert_eq!((p.now - at).as_millis(), 300_500);
    p.advance_to(at).unwrap();
    assert_eq!((p.now - at).as_millis(), 300_500);
}

/// Counts the engine calls of each kind, and checks each is made once
/// through the hook.
#[derive(Debug, Default)]
struct Calls {
    counts: [u32; 5],
    inside: bool,
}

impl Observer for Calls {
    fn engine_call<R>(&mut self, call: EngineCall, f: impl FnOnce() -> R) -> R {
        assert!(!self.inside, "engine calls do not nest");
        self.inside = true;
        let r = f();
        self.inside = false;
        self.counts[call as usize] += 1;
        r
    }
}

#[test]
fn every_engine_call_goes_through_the_observer() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let config = Config::new("VendorX", "ModelY").with_connectors(1);
    let mut p = Pair::new(&config, &*pool, Calls::default()).unwrap();
    p.connect().unwrap();
    // BootNotification and two statuses: three answers, four polls of
    // frames, two of events (Registered, then none).
    assert_eq!(p.observer.counts, [3, 4, 2, 0, 0]);
    p.input(|cp, now| cp.plug_in(now, 1)).unwrap();
    p.advance(1).unwrap();
    assert_eq!(p.observer.counts[EngineCall::Input as usize], 1);
    assert_eq!(p.observer.counts[EngineCall::HandleTimeout as usize], 1);
    p.receive(br#"[2,"cs-1","Reset",{"type":"Soft"}]"#).unwrap();
    assert_eq!(p.observer.counts[EngineCall::HandleFrame as usize], 5);
}

#[test]
fn heartbeat_answers_carry_the_central_systems_clock() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut p = booted(&pool);
    p.advance(300).unwrap();
    let answer = p.observer.frames.last().unwrap().clone();
    assert!(
        answer.ends_with(r#"{"currentTime":"2026-11-25T10:05:00Z"}]"#),
        "{answer}"
    );
}

#[test]
fn a_test_changes_the_answer_to_one_action() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut p = booted(&pool);

    p.cs.answer(
        Action::Authorize,
        Answer::Result(r#"{"idTagInfo":{"status":"Invalid"}}"#),
    )
    .unwrap();
    p.input(|cp, now| cp.authorize(now, "BADTAG")).unwrap();
    match p.observer.events.pop() {
        Some(Event::Authorized { info, .. }) => {
            assert_eq!(info.status, AuthorizationStatus::Invalid)
        }
        other => panic!("{other:?}"),
    }

    p.cs.answer(
        Action::Authorize,
        Answer::CallError(ErrorCode::InternalError, "scripted failure"),
    )
    .unwrap();
    p.input(|cp, now| cp.authorize(now, "ABCD1234")).unwrap();
    match p.observer.events.pop() {
        Some(Event::AuthorizeFailed { reason, .. }) => {
            assert_eq!(reason, CallFailure::CallError(ErrorCode::InternalError))
        }
        other => panic!("{other:?}"),
    }

    // No answer: the call timeout (30 s) runs out.
    p.cs.answer(Action::Authorize, Answer::Silent).unwrap();
    p.input(|cp, now| cp.authorize(now, "ABCD1234")).unwrap();
    assert!(p.observer.events.is_empty());
    p.advance(31).unwrap();
    match p.observer.events.pop() {
        Some(Event::AuthorizeFailed { reason, .. }) => assert_eq!(reason, CallFailure::Timeout),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_observer_stops_the_exchange() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut p = booted(&pool);
    // A firmware's own action: the Transcript refuses it.
    let e = p.input(|cp, now| cp.send_call(now, "MyVendorAction", "{}"));
    assert_eq!(
        e.err(),
        Some(Error::Script("an action the model does not know"))
    );
}

#[test]
fn works_without_an_observer_and_with_a_small_frame_buffer() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let config = Config::new("VendorX", "ModelY").with_connectors(1);
    let cp = ocpp_engine::ChargePoint::new(&config, &*pool).unwrap();
    let mut p: Pair<_, (), 384> = Pair::with_charge_point(cp, ());
    p.connect().unwrap();
    p.advance(600).unwrap();
    assert_eq!(
        p.cp.status(1).map(|(s, _)| s),
        Some(ChargePointStatus::Available)
    );
}

#[test]
fn debug_leaves_the_frame_buffer_out() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let p = booted(&pool);
    let text = format!("{p:?}");
    assert!(text.starts_with("Pair { cp: "), "{text}");
    assert!(
        text.contains("cs: CentralSystem { overrides: [], counting: false, last_transaction_id: None, expect_transaction_id: true, .. }"),
        "{text}"
    );
    assert!(text.len() < 8 * 1024, "{} bytes", text.len());
}

/// At the end of time every deadline saturates to now: time stands still.
fn at_the_end_of_time(pool: &HostPool<Talc>) -> Pair<&ocpp_alloc::Pool<Talc>> {
    let config = Config::new("VendorX", "ModelY").with_connectors(1);
    let mut p = Pair::new(&config, &**pool, ()).unwrap();
    p.now = Instant::from_millis(u64::MAX);
    p
}

#[test]
fn a_deadline_that_is_not_after_now_is_a_spin() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut p = at_the_end_of_time(&pool);
    // BootNotification unanswered: its timeout falls due at once, again
    // and again; a loop that sleeps until poll_timeout would never sleep.
    p.cs.answer(Action::BootNotification, Answer::Silent)
        .unwrap();
    p.connect().unwrap();
    match p.advance(1) {
        Err(Error::Spin { deadline, now }) => assert_eq!(deadline, now),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_charge_point_that_never_stops_sending_is_an_error() {
    let pool = HostPool::<Talc>::new(16 * 1024);
    let mut p = at_the_end_of_time(&pool);
    // Every answered Heartbeat is due again at once.
    match p.connect() {
        Err(Error::Script(what)) => assert!(what.contains("kept sending"), "{what}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_answer_the_charge_point_refuses_stops_the_exchange_unless_the_observer_counts_it() {
    /// Counts refusals and lets the exchange go on (a pool too small).
    #[derive(Debug, Default)]
    struct Tolerant(u32);
    impl Observer for Tolerant {
        fn refused(&mut self, _: &[u8], _: ocpp_engine::HandleError) -> Result<(), Error> {
            self.0 += 1;
            Ok(())
        }
    }

    let pool = HostPool::<Talc>::new(16 * 1024);
    let config = Config::new("VendorX", "ModelY").with_connectors(1);
    let mut strict = Pair::new(&config, &*pool, ()).unwrap();
    strict
        .cs
        .answer(Action::BootNotification, Answer::Result("{"))
        .unwrap();
    assert!(matches!(strict.connect(), Err(Error::Handle(_))));

    let mut tolerant = Pair::new(&config, &*pool, Tolerant::default()).unwrap();
    tolerant
        .cs
        .answer(Action::BootNotification, Answer::Result("{"))
        .unwrap();
    tolerant.connect().unwrap();
    assert_eq!(tolerant.observer.0, 1);
}
