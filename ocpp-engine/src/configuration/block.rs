//! The configuration block: GetConfiguration and ChangeConfiguration from
//! the central system, the firmware's own keys and writes, and the events
//! that tell the firmware what changed.

use core::fmt;

use allocator_api2::boxed::Box;
use allocator_api2::vec::Vec;
use ocpp_model::encode::{Encode, Full, Writer};
use ocpp_model::{
    encode_call_result, Action, Allocator, ChangeConfigurationRequest, CiString,
    ConfigurationStatus, EncodeError, GetConfigurationRequest, MessageId,
};
use serde::ser::Serializer;
use serde::Serialize;

use super::keys::{Access, Fixed, Key, Refusal};
use super::{AuthorizationKey, Secs, Values};
use crate::answers::{request, Reply};
use crate::block::Cx;
use crate::error::InputError;
use crate::stack_str::StackStr;
use crate::storage::{Dropped, Reader, Seq};
use crate::tx::RestoreFail;
use core::fmt::Write as _;

/// A key the firmware added, with the check its values must pass.
pub(crate) struct Custom<A: Allocator> {
    name: &'static str,
    access: Access,
    value: CiString<500, A>,
    validate: fn(&str) -> bool,
}

impl<A: Allocator> fmt::Debug for Custom<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Custom")
            .field("name", &self.name)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

impl<A: Allocator> Serialize for Custom<A> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.name, self.value.as_str()).serialize(s)
    }
}

/// A value in the configuration record: formatted on the stack (a Core
/// key) or the firmware key's own text in the pool.
enum Text<'a> {
    Stack(StackStr<160>),
    Pool(&'a str),
}

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::Stack(t) => t.serialize(s),
            Text::Pool(t) => s.serialize_str(t),
        }
    }
}

/// A GetConfiguration answer waiting for `poll_transmit`: which known keys
/// it lists (bits over [`Key::ALL`], then over the custom keys), and the
/// unknown keys it echoes, in the pool.
#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
struct Pending<A: Allocator> {
    known: u64,
    custom: u64,
    #[serde(serialize_with = "crate::snapshot::slice")]
    unknown: Vec<CiString<50, A>, A>,
}

#[derive(Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub(crate) struct Configuration<A: Allocator + Clone> {
    values: Values,
    #[serde(skip)]
    fixed: Fixed,
    #[serde(serialize_with = "crate::snapshot::slice")]
    custom: Vec<Custom<A>, A>,
    /// `AuthorizationKey`, in the pool once set.
    #[serde(serialize_with = "crate::snapshot::opt_box")]
    key: Option<Box<AuthorizationKey, A>>,
    /// In the pool only while an answer waits.
    #[serde(serialize_with = "crate::snapshot::opt_box")]
    pending: Option<Box<Pending<A>, A>>,
    /// Changes by the central system not yet told to the firmware: bits
    /// over [`Key::ALL`], then over the custom keys.
    changed: (u64, u64),
}

/// A decoded ChangeConfiguration, checked, ready to apply.
#[must_use]
enum Change<A: Allocator> {
    Core(Values, Key),
    AuthorizationKey(Box<AuthorizationKey, A>),
    Custom(usize, CiString<500, A>),
    Refused(ConfigurationStatus),
}

impl<A: Allocator + Clone> Configuration<A> {
    pub(crate) const ACTIONS: &'static [Action] =
        &[Action::GetConfiguration, Action::ChangeConfiguration];

    pub(crate) fn new(fixed: Fixed, alloc: A) -> Self {
        Self {
            values: Values::DEFAULT,
            fixed,
            custom: Vec::new_in(alloc),
            key: None,
            pending: None,
            changed: (0, 0),
        }
    }

    /// The values the other blocks act on.
    pub(crate) fn values(&self) -> &Values {
        &self.values
    }

    /// `AuthorizationKey`, once set.
    pub(crate) fn authorization_key(&self) -> Option<&str> {
        self.key.as_deref().and_then(AuthorizationKey::as_str)
    }

    /// Whether key `k` has its default value (no `AuthorizationKey` is one).
    fn is_default(&self, k: Key) -> bool {
        match k {
            Key::AuthorizationKey => self.key.is_none(),
            _ => self.values.same(&Values::DEFAULT, k),
        }
    }

    /// The registration's heartbeat interval becomes HeartbeatInterval.
    pub(crate) fn set_heartbeat_interval(&mut self, d: crate::Duration) {
        self.values.heartbeat_interval = Secs::from_duration(d);
    }

    /// The connection went down: a waiting answer is void (its id was of
    /// that connection), and its memory goes back.
    pub(crate) fn disconnected(&mut self) {
        self.pending = None;
    }

    /// The waiting answer will not be sent (too large): its memory goes back.
    pub(crate) fn drop_answer(&mut self) {
        self.pending = None;
    }

    /// Whether a GetConfiguration answer waits (a second one is Busy).
    pub(crate) fn is_answer_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// The central system's CALLs: GetConfiguration keeps its answer here
    /// until `poll_transmit`; ChangeConfiguration is applied at once.
    /// Returns the key changed, for the router to act on.
    pub(crate) fn handle_call(
        &mut self,
        cx: &Cx<'_, A>,
        action: Action,
        payload: &[u8],
    ) -> (Reply, Option<Key>) {
        if action == Action::GetConfiguration {
            let boxed = self.prepare_get(cx, payload).and_then(|p| {
                Box::try_new_in(p, cx.alloc.clone()).map_err(|_| Reply::Error {
                    code: ocpp_model::ErrorCode::InternalError,
                    description: "out of memory",
                })
            });
            let reply = match boxed {
                Ok(p) => {
                    self.pending = Some(p);
                    Reply::Configuration
                }
                Err(reply) => reply,
            };
            return (reply, None);
        }
        match self.prepare_change(cx, payload) {
            Ok(change) => self.commit_change(change),
            Err(reply) => (reply, None),
        }
    }

    fn prepare_get(&self, cx: &Cx<'_, A>, payload: &[u8]) -> Result<Pending<A>, Reply> {
        let r: GetConfigurationRequest<A> = request(cx, payload)?;
        let Some(mut keys) = r.key.filter(|k| !k.is_empty()) else {
            return Ok(Pending {
                known: u64::MAX,
                custom: u64::MAX,
                unknown: Vec::new_in(cx.alloc.clone()),
            });
        };
        let (mut known, mut custom) = (0u64, 0u64);
        // The vector decoded is the answer's list of unknown keys: no copy.
        keys.retain(|k| {
            if let Some(i) = Key::ALL.iter().position(|c| c.name() == k.as_str()) {
                known |= 1 << i;
                false
            } else if let Some(i) = self.custom.iter().position(|c| c.name == k.as_str()) {
                custom |= 1 << i;
                false
            } else {
                true
            }
        });
        Ok(Pending {
            known,
            custom,
            unknown: keys,
        })
    }

    fn prepare_change(&self, cx: &Cx<'_, A>, payload: &[u8]) -> Result<Change<A>, Reply> {
        let r: ChangeConfigurationRequest<A> = request(cx, payload)?;
        let (key, value) = (r.key.as_str(), r.value.as_str());
        if Key::parse(key) == Some(Key::AuthorizationKey) {
            let Ok(new) = AuthorizationKey::new(value) else {
                return Ok(Change::Refused(ConfigurationStatus::Rejected));
            };
            let new = Box::try_new_in(new, cx.alloc.clone()).map_err(|_| Reply::Error {
                code: ocpp_model::ErrorCode::InternalError,
                description: "out of memory",
            })?;
            return Ok(Change::AuthorizationKey(new));
        }
        if let Some(k) = Key::parse(key) {
            let mut values = self.values;
            return Ok(match values.set(k, value) {
                Ok(()) => Change::Core(values, k),
                Err(_) => Change::Refused(ConfigurationStatus::Rejected),
            });
        }
        let Some(i) = self.custom.iter().position(|c| c.name == key) else {
            return Ok(Change::Refused(ConfigurationStatus::NotSupported));
        };
        let c = &self.custom[i];
        if c.access == Access::ReadOnly || !(c.validate)(value) {
            return Ok(Change::Refused(ConfigurationStatus::Rejected));
        }
        // The only allocation: the new value, before anything changes.
        let copy = CiString::try_from_str(value, cx.alloc.clone()).map_err(|_| Reply::Error {
            code: ocpp_model::ErrorCode::InternalError,
            description: "out of memory",
        })?;
        Ok(Change::Custom(i, copy))
    }

    fn commit_change(&mut self, change: Change<A>) -> (Reply, Option<Key>) {
        let accepted = Reply::status(ConfigurationStatus::Accepted.as_str());
        match change {
            Change::Core(values, key) => {
                self.values = values;
                if let Some(i) = Key::ALL.iter().position(|&k| k == key) {
                    self.changed.0 |= 1 << i;
                }
                (accepted, Some(key))
            }
            Change::AuthorizationKey(new) => {
                self.key = Some(new);
                let key = Key::AuthorizationKey;
                if let Some(i) = Key::ALL.iter().position(|&k| k == key) {
                    self.changed.0 |= 1 << i;
                }
                (accepted, Some(key))
            }
            Change::Custom(i, value) => {
                if let Some(c) = self.custom.get_mut(i) {
                    c.value = value;
                    self.changed.1 |= 1 << i;
                }
                (accepted, None)
            }
            Change::Refused(status) => (Reply::status(status.as_str()), None),
        }
    }

    /// The firmware sets a key (its initial configuration, a local menu).
    /// No event follows: the firmware knows.
    pub(crate) fn configure(&mut self, key: &str, value: &str) -> Result<Option<Key>, InputError> {
        if Key::parse(key) == Some(Key::AuthorizationKey) {
            let new = AuthorizationKey::new(value).map_err(|_| InputError::InvalidValue)?;
            let new = Box::try_new_in(new, self.custom.allocator().clone())
                .map_err(|_| InputError::OutOfMemory)?;
            self.key = Some(new);
            return Ok(Some(Key::AuthorizationKey));
        }
        if let Some(k) = Key::parse(key) {
            let mut values = self.values;
            // Read-only keys are facts of the build (bounds, connectors):
            // the firmware cannot set them either.
            values.set(k, value).map_err(|e| match e {
                Refusal::ReadOnly => InputError::ReadOnly,
                Refusal::Invalid => InputError::InvalidValue,
            })?;
            self.values = values;
            return Ok(Some(k));
        }
        let i = self
            .custom
            .iter()
            .position(|c| c.name == key)
            .ok_or(InputError::UnknownKey)?;
        if !(self.custom[i].validate)(value) {
            return Err(InputError::InvalidValue);
        }
        let copy =
            CiString::try_from_str(value, self.custom.allocator().clone()).map_err(ci_error)?;
        self.custom[i].value = copy;
        Ok(None)
    }

    /// The firmware adds a key of its own, at most 64 of them. `stored` is
    /// the value the configuration record kept for it, if any: it wins over
    /// `value` when `validate` accepts it (the central system set it before
    /// the reboot).
    pub(crate) fn add(
        &mut self,
        name: &'static str,
        value: &str,
        access: Access,
        validate: fn(&str) -> bool,
        stored: Option<&str>,
    ) -> Result<(), InputError> {
        let known = Key::parse(name).is_some() || self.custom.iter().any(|c| c.name == name);
        let named = !name.is_empty() && name.len() <= 50 && name.is_ascii();
        if known || !named || self.custom.len() >= 64 || !validate(value) {
            return Err(InputError::InvalidValue);
        }
        let value = stored
            .filter(|s| access != Access::ReadOnly && validate(s))
            .unwrap_or(value);
        let value =
            CiString::try_from_str(value, self.custom.allocator().clone()).map_err(ci_error)?;
        self.custom
            .try_reserve_exact(1)
            .map_err(|_| InputError::OutOfMemory)?;
        let pushed = self.custom.push_within_capacity(Custom {
            name,
            access,
            value,
            validate,
        });
        debug_assert!(pushed.is_ok());
        Ok(())
    }

    /// The value of a key as GetConfiguration shows it, written to `w`;
    /// `false` when the key is unknown or write-only.
    pub(crate) fn read(&self, key: &str, w: &mut impl fmt::Write) -> bool {
        if let Some(k) = Key::parse(key).filter(|k| k.access() != Access::WriteOnly) {
            return self.values.write(k, &self.fixed, w).is_ok();
        }
        match self.custom.iter().find(|c| c.name == key) {
            Some(c) if c.access != Access::WriteOnly => w.write_str(c.value.as_str()).is_ok(),
            _ => false,
        }
    }

    /// The configuration record: `(name, value)` of every Core key whose
    /// value differs from its default, then of every writable key of the
    /// firmware's own, in the wire's own text, so that a later build with
    /// other keys reads it (names it does not know are skipped). `None`
    /// when there is nothing to keep. A firmware key's stored value wins
    /// over the default the firmware gives when it adds the key again
    /// after a reboot (see [`add`](Self::add)).
    pub(crate) fn record(&self) -> Option<impl Serialize + '_> {
        let core = || {
            Key::ALL
                .iter()
                .filter(|&&k| !self.is_default(k))
                .filter_map(|&k| Some((k.name(), Text::Stack(self.text(&self.values, k)?))))
        };
        let custom = || {
            self.custom
                .iter()
                .filter(|c| c.access != Access::ReadOnly)
                .map(|c| (c.name, Text::Pool(c.value.as_str())))
        };
        let all = move || core().chain(custom());
        all().next().is_some().then_some(Seq(all))
    }

    /// A writable key's value as text (None for read-only keys).
    fn text(&self, values: &Values, k: Key) -> Option<StackStr<160>> {
        let mut w = StackStr::default();
        match k.access() {
            Access::ReadOnly => return None,
            Access::WriteOnly => w.write_str(self.authorization_key().unwrap_or("")).ok()?,
            Access::ReadWrite => values.write(k, &self.fixed, &mut w).ok()?,
        }
        Some(w)
    }

    /// The value the configuration record `body` keeps for `name`.
    pub(crate) fn stored<'b>(body: &'b [u8], name: &str) -> Option<&'b str> {
        let mut r = Reader::new(body);
        for _ in 0..r.len().ok()? {
            let (n, value): (&str, &str) = r.take().ok()?;
            if n == name {
                return Some(value);
            }
        }
        None
    }

    /// Restores the configuration record. All or nothing.
    pub(crate) fn restore(&mut self, body: &[u8]) -> Result<(), RestoreFail> {
        let (mut values, mut key) = (self.values, None);
        let mut r = Reader::new(body);
        for _ in 0..r.len()? {
            let (name, value): (&str, &str) = r.take()?;
            match Key::parse(name) {
                Some(Key::AuthorizationKey) => {
                    key = Some(AuthorizationKey::new(value).map_err(|_| Dropped::Invalid)?);
                }
                Some(k) => values.set(k, value).map_err(|_| Dropped::Invalid)?,
                None => {}
            }
        }
        r.finish()?;
        if let Some(key) = key {
            let key = Box::try_new_in(key, self.custom.allocator().clone())
                .map_err(|_| RestoreFail::OutOfMemory)?;
            self.key = Some(key);
        }
        self.values = values;
        Ok(())
    }

    /// The name of a key the central system changed, once.
    pub(crate) fn poll_event(&mut self) -> Option<&'static str> {
        let (core, custom) = &mut self.changed;
        if *core != 0 {
            let i = core.trailing_zeros() as usize;
            *core &= !(1 << i);
            return Key::ALL.get(i).map(|k| k.name());
        }
        if *custom != 0 {
            let i = custom.trailing_zeros() as usize;
            *custom &= !(1 << i);
            return self.custom.get(i).map(|c| c.name);
        }
        None
    }

    /// Encodes the waiting GetConfiguration answer; it is dropped (and its
    /// memory freed) only once encoded.
    pub(crate) fn encode_answer(
        &mut self,
        buf: &mut [u8],
        id: &MessageId,
    ) -> Result<usize, EncodeError> {
        let Some(p) = self.pending.as_deref() else {
            // Cannot happen: the reply was queued with the answer.
            return encode_call_result(buf, id, &Answer { cfg: self, p: None });
        };
        let n = encode_call_result(
            buf,
            id,
            &Answer {
                cfg: self,
                p: Some(p),
            },
        )?;
        self.pending = None;
        Ok(n)
    }
}

fn ci_error(e: ocpp_model::CiStringError) -> InputError {
    match e {
        ocpp_model::CiStringError::OutOfMemory => InputError::OutOfMemory,
        _ => InputError::InvalidValue,
    }
}

/// GetConfiguration.conf, written from the block's state.
struct Answer<'a, A: Allocator + Clone> {
    cfg: &'a Configuration<A>,
    p: Option<&'a Pending<A>>,
}

impl<A: Allocator + Clone> Encode for Answer<'_, A> {
    fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        let (known, custom) = self.p.map_or((0, 0), |p| (p.known, p.custom));
        let mut o = w.object()?;
        o.field_with("configurationKey", |w| self.key_values(w, known, custom))?;
        if let Some(p) = self.p.filter(|p| !p.unknown.is_empty()) {
            o.field("unknownKey", &p.unknown)?;
        }
        o.end()
    }
}

impl<A: Allocator + Clone> Answer<'_, A> {
    /// `configurationKey`: the known keys of `known` (bits over
    /// [`Key::ALL`]), then the custom keys of `custom`, but write-only ones.
    fn key_values(&self, w: &mut Writer<'_>, known: u64, custom: u64) -> Result<(), Full> {
        let mut a = w.array()?;
        for (i, &k) in Key::ALL.iter().enumerate() {
            if known & (1 << i) != 0 && k.access() != Access::WriteOnly {
                // The longest value is a CSL of four measurands.
                let mut value = StackStr::<160>::default();
                // Values are short (a CSL of 4 measurands at most): cannot fail.
                let _ = self.cfg.values.write(k, &self.cfg.fixed, &mut value);
                let readonly = k.access() == Access::ReadOnly;
                a.item_with(|w| key_value(w, k.name(), readonly, value.as_str()))?;
            }
        }
        for (i, c) in self.cfg.custom.iter().enumerate() {
            if custom & (1 << i) != 0 && c.access != Access::WriteOnly {
                let readonly = c.access == Access::ReadOnly;
                a.item_with(|w| key_value(w, c.name, readonly, c.value.as_str()))?;
            }
        }
        a.end()
    }
}

/// One `configurationKey` item.
fn key_value(w: &mut Writer<'_>, key: &str, readonly: bool, value: &str) -> Result<(), Full> {
    let mut o = w.object()?;
    o.field("key", key)?;
    o.field("readonly", &readonly)?;
    o.field("value", value)?;
    o.end()
}
