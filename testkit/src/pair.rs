//! The drive loop, after quinn-proto's `Pair`: a charge point, the scripted
//! central system and a virtual clock.

use core::fmt;

use ocpp_engine::ocpp_model::{Allocator, Limits};
use ocpp_engine::{
    ChargePoint, Config, Duration, Event, HandleError, InputError, Instant, NoStorage, Storage,
};

use crate::csms::{CentralSystem, Heard, REPLY_LEN};
use crate::{Error, START};

/// Room for one frame of the charge point, by default: the model's default
/// frame limit, 4 KiB (a GetConfiguration of every key needs more than
/// 2 KiB). Enough for the scripted sessions; a charge point whose meter
/// reports many readings can send longer CALLs (up to
/// `ocpp_engine::max_call_len`, 8,300 B with the engine's defaults): give
/// its `Pair` a larger `TX`.
pub const FRAME_BUF: usize = Limits::DEFAULT.max_frame_len;

/// Frames the charge point may send in one [`Pair::exchange`]; more is an
/// error (it never stops: its time stands still), not a hung test.
pub const MAX_EXCHANGE_FRAMES: u32 = 10_000;

/// An engine call a [`Pair`] makes, for [`Observer::engine_call`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineCall {
    /// `handle_frame`: an answer of the central system, or a frame given
    /// to [`Pair::receive`].
    HandleFrame,
    /// `poll_transmit`.
    PollTransmit,
    /// `poll_event`.
    PollEvent,
    /// `handle_timeout`.
    HandleTimeout,
    /// The harness's own input of [`Pair::input`].
    Input,
}

/// What a harness sees of the exchanges of a [`Pair`]: counts, traces,
/// checks. Every method has a default that lets the exchange go on; an
/// `Err` stops it and [`Pair::exchange`] returns it.
pub trait Observer {
    /// The charge point sent `frame`; `heard` is what the central system
    /// made of it (and its answer, which the charge point gets next).
    fn sent(&mut self, frame: &[u8], heard: &Heard<'_>) -> Result<(), Error> {
        let _ = (frame, heard);
        Ok(())
    }

    /// The central system's answer `frame`, just before the charge point
    /// takes it in.
    fn answered(&mut self, frame: &[u8]) -> Result<(), Error> {
        let _ = frame;
        Ok(())
    }

    /// The charge point did not take in the answer `frame`; by default
    /// that stops the exchange ([`Error::Handle`]). A harness that expects
    /// refusals (a pool too small) counts them and returns `Ok`.
    fn refused(&mut self, frame: &[u8], error: HandleError) -> Result<(), Error> {
        let _ = frame;
        Err(Error::Handle(error))
    }

    /// An event for the firmware.
    fn event(&mut self, event: Event) -> Result<(), Error> {
        let _ = event;
        Ok(())
    }

    /// Makes the engine call `call` by calling `f`, and returns what it
    /// returned: a harness that measures each call (its stack, on a
    /// firmware) wraps `f` here. By default, just `f()`.
    #[inline(always)]
    fn engine_call<R>(&mut self, call: EngineCall, f: impl FnOnce() -> R) -> R {
        let _ = call;
        f()
    }
}

/// Sees nothing: the exchanges just run.
impl Observer for () {}

/// A charge point, the scripted central system that answers its CALLs at
/// once, and a virtual clock; `O` sees every frame and event, `TX` is the
/// room for one frame of the charge point, `REPLY` the central system's
/// room for one answer.
///
/// The fields are open, as in quinn-proto's `Pair`: a harness gives the
/// charge point its inputs at `now` (`pair.cp.plug_in(pair.now, 1)`) and
/// then calls [`Pair::exchange`], or lets [`Pair::input`] do both.
pub struct Pair<
    A: Allocator + Clone,
    O = (),
    const TX: usize = FRAME_BUF,
    S: Storage = NoStorage,
    const REPLY: usize = REPLY_LEN,
> {
    /// The charge point under test.
    pub cp: ChargePoint<A, S>,
    /// The central system.
    pub cs: CentralSystem<REPLY>,
    /// The virtual clock.
    pub now: Instant,
    /// What sees the exchanges.
    pub observer: O,
    tx: [u8; TX],
}

/// Without the frame buffer.
impl<A: Allocator + Clone, O: fmt::Debug, const TX: usize, S: Storage, const REPLY: usize>
    fmt::Debug for Pair<A, O, TX, S, REPLY>
where
    ChargePoint<A, S>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pair")
            .field("cp", &self.cp)
            .field("cs", &self.cs)
            .field("now", &self.now)
            .field("observer", &self.observer)
            .finish_non_exhaustive()
    }
}

impl<A: Allocator + Clone, O: Observer> Pair<A, O> {
    /// Builds the charge point of `config` in `alloc`, at [`START`], with
    /// a central system that gives the usual answers and room for frames
    /// of [`FRAME_BUF`] bytes (another room: [`Pair::with_charge_point`]).
    pub fn new(config: &Config<'_>, alloc: A, observer: O) -> Result<Self, Error> {
        let cp = ChargePoint::new(config, alloc).map_err(Error::New)?;
        Ok(Self::with_charge_point(cp, observer))
    }
}

impl<A: Allocator + Clone, O: Observer, const TX: usize, S: Storage, const REPLY: usize>
    Pair<A, O, TX, S, REPLY>
{
    /// A pair around a charge point the harness built, at [`START`], with
    /// room for frames of `TX` bytes:
    /// `let p: Pair<_, _, 384> = Pair::with_charge_point(cp, ());`, and the
    /// central system's room for an answer
    /// (`Pair<_, _, 384, NoStorage, 160>`).
    pub fn with_charge_point(cp: ChargePoint<A, S>, observer: O) -> Self {
        Pair {
            cp,
            cs: CentralSystem::with_reply_room(),
            now: START,
            observer,
            tx: [0; TX],
        }
    }

    /// Sends everything the charge point has to send, the central system
    /// answering each CALL at once, until the charge point is quiet (at
    /// most [`MAX_EXCHANGE_FRAMES`] frames); then hands its events to the
    /// observer.
    pub fn exchange(&mut self) -> Result<(), Error> {
        let mut frames = 0;
        while let Some(n) = self
            .observer
            .engine_call(EngineCall::PollTransmit, || {
                self.cp.poll_transmit(self.now, &mut self.tx)
            })
            .map_err(Error::Encode)?
        {
            frames += 1;
            if frames > MAX_EXCHANGE_FRAMES {
                return Err(Error::Script(
                    "the charge point kept sending: more than MAX_EXCHANGE_FRAMES frames in one exchange",
                ));
            }
            let frame = &self.tx[..n];
            let heard = self.cs.receive(frame, self.now)?;
            self.observer.sent(frame, &heard)?;
            if let Heard::Call {
                answer: Some(answer),
                ..
            } = heard
            {
                self.observer.answered(answer)?;
                let (cp, now) = (&mut self.cp, self.now);
                let handled = self
                    .observer
                    .engine_call(EngineCall::HandleFrame, || cp.handle_frame(now, answer));
                if let Err(e) = handled {
                    self.observer.refused(answer, e)?;
                }
            }
        }
        while let Some(event) = self
            .observer
            .engine_call(EngineCall::PollEvent, || self.cp.poll_event())
        {
            self.observer.event(event)?;
        }
        Ok(())
    }

    /// A hardware input or firmware request at `now`, then [`Pair::exchange`]:
    /// `pair.input(|cp, now| cp.plug_in(now, 1))`.
    pub fn input<R>(
        &mut self,
        f: impl FnOnce(&mut ChargePoint<A, S>, Instant) -> Result<R, InputError>,
    ) -> Result<R, Error> {
        let r = self
            .observer
            .engine_call(EngineCall::Input, || f(&mut self.cp, self.now))
            .map_err(Error::Input)?;
        self.exchange()?;
        Ok(r)
    }

    /// The WebSocket opened: BootNotification and the statuses go out.
    pub fn connect(&mut self) -> Result<(), Error> {
        self.cp.connected(self.now);
        self.exchange()
    }

    /// The WebSocket closed.
    pub fn disconnect(&mut self) -> Result<(), Error> {
        self.cp.disconnected(self.now);
        self.exchange()
    }

    /// The central system sends `frame` (its own CALL, or anything a test
    /// wants the charge point to receive); the charge point's answers go
    /// through [`Pair::exchange`].
    pub fn receive(&mut self, frame: &[u8]) -> Result<(), Error> {
        self.observer
            .engine_call(EngineCall::HandleFrame, || {
                self.cp.handle_frame(self.now, frame)
            })
            .map_err(Error::Handle)?;
        self.exchange()
    }

    /// Advances the virtual clock by `secs`, waking the charge point at
    /// every deadline on the way (as an integrator's loop: sleep until
    /// `poll_timeout`, handle it, exchange) and once at the end.
    ///
    /// Fails with [`Error::Spin`] when, after a wake, the next deadline is
    /// not after now: a real loop would spin on it.
    pub fn advance(&mut self, secs: u64) -> Result<(), Error> {
        self.advance_to(self.now + Duration::from_secs(secs))
    }

    /// [`Pair::advance`] up to the instant `end` (a firmware's script
    /// counts in milliseconds from its own marks); `end` before now wakes
    /// the charge point at now.
    pub fn advance_to(&mut self, end: Instant) -> Result<(), Error> {
        let end = end.max(self.now);
        let mut next = self.cp.poll_timeout();
        while let Some(t) = next.filter(|t| *t <= end) {
            self.now = self.now.max(t);
            next = self.wake()?;
        }
        self.now = end;
        self.wake().map(drop)
    }

    /// Advances the clock to the charge point's next deadline (a heartbeat
    /// when idle) and wakes it there; returns the time that passed.
    pub fn advance_to_next_deadline(&mut self) -> Result<Duration, Error> {
        let t = self
            .cp
            .poll_timeout()
            .ok_or(Error::Script("no deadline ahead"))?;
        let from = self.now;
        self.now = self.now.max(t);
        self.wake()?;
        Ok(self.now - from)
    }

    /// `handle_timeout` at now, exchange, and the next deadline, which
    /// must be after now (one `poll_timeout` serves the check and the
    /// caller's loop: the benches count every instruction here).
    fn wake(&mut self) -> Result<Option<Instant>, Error> {
        self.observer.engine_call(EngineCall::HandleTimeout, || {
            self.cp.handle_timeout(self.now)
        });
        self.exchange()?;
        match self.cp.poll_timeout() {
            Some(deadline) if deadline <= self.now => Err(Error::Spin {
                deadline,
                now: self.now,
            }),
            next => Ok(next),
        }
    }
}
