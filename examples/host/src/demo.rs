//! `--script demo`: a charging session on connector 1, played as hardware
//! inputs once the central system accepted the BootNotification: plug in
//! (Preparing), present idTag `ABCD1234` (Authorize), once accepted charge
//! (Charging), stop (Finishing), unplug (Available), and end a second later
//! so the last StatusNotification gets its answer.

use ocpp_alloc::{Pool, Talc};
use ocpp_engine::ocpp_model::{
    AuthorizationStatus, ChargePointErrorCode, ChargePointStatus as S, RegistrationStatus,
};
use ocpp_engine::{ChargePoint, Duration, Event, Instant};

const ID_TAG: &str = "ABCD1234";

#[derive(Clone, Copy, Debug)]
enum Input {
    Status(S),
    PresentIdTag,
    /// Not timed: waits for the answer to the Authorize.
    AwaitAuthorized,
    End,
}

/// Each step: how long after the previous one (ms), the input, what it stands for.
/// Charging lasts long enough for a periodic Heartbeat (10 s in the interop run).
const STEPS: &[(u64, Input, &str)] = &[
    (1000, Input::Status(S::Preparing), "cable plugged in"),
    (1000, Input::PresentIdTag, "idTag ABCD1234 presented"),
    (0, Input::AwaitAuthorized, "idTag accepted"),
    (0, Input::Status(S::Charging), "charging"),
    (9000, Input::Status(S::Finishing), "charging stopped"),
    (1000, Input::Status(S::Available), "cable unplugged"),
    (1000, Input::End, "finished"),
];

/// Where the demo stands: the next step, when the previous one was played
/// (`None` until registered), and the verdict on the idTag once known.
#[derive(Debug, Default)]
pub struct Demo {
    step: usize,
    since: Option<Instant>,
    authorized: Option<Result<(), String>>,
}

impl Demo {
    /// Takes note of an event of the engine.
    pub fn on_event(&mut self, now: Instant, event: &Event<&Pool<Talc>>) {
        self.authorized = match event {
            Event::Registered(RegistrationStatus::Accepted) if self.since.is_none() => {
                self.since = Some(now);
                return;
            }
            Event::Authorized { info, .. } if info.status == AuthorizationStatus::Accepted => {
                Some(Ok(()))
            }
            Event::Authorized { info, .. } => Some(Err(format!("idTag refused: {info:?}"))),
            Event::AuthorizeFailed { reason, .. } => Some(Err(format!("no answer: {reason:?}"))),
            Event::Registered(_) => return,
        };
    }

    /// When the next timed step is due, if one is waiting.
    pub fn deadline(&self) -> Option<Instant> {
        match STEPS.get(self.step)? {
            (_, Input::AwaitAuthorized, _) => None,
            (delay, _, _) => Some(self.since? + Duration::from_millis(*delay)),
        }
    }

    /// Plays every step that is due. `Ok(true)` once the script is over.
    pub fn play(
        &mut self,
        now: Instant,
        cp: &mut ChargePoint<&Pool<Talc>>,
    ) -> Result<bool, String> {
        while let Some(&(_, input, what)) = STEPS.get(self.step) {
            match input {
                Input::AwaitAuthorized => match self.authorized.take() {
                    None => return Ok(false),
                    Some(verdict) => verdict.map_err(|e| format!("Authorize {ID_TAG}: {e}"))?,
                },
                _ if self.deadline().is_none_or(|due| now < due) => return Ok(false),
                Input::Status(status) => cp
                    .set_status(now, 1, status, ChargePointErrorCode::NoError)
                    .map_err(|e| format!("set_status({status:?}): {e}"))?,
                Input::PresentIdTag => cp
                    .authorize(now, ID_TAG)
                    .map_err(|e| format!("authorize({ID_TAG}): {e}"))?,
                Input::End => {}
            }
            println!("demo: {what}");
            self.step += 1;
            self.since = Some(now);
        }
        Ok(true)
    }
}
