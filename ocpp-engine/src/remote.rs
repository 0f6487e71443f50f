//! The central system's control (OCPP 1.6 §5.11–5.16, §5.2, §5.4):
//! RemoteStartTransaction, RemoteStopTransaction, Reset, UnlockConnector,
//! ChangeAvailability and ClearCache. Each touches several blocks, so it is
//! written here, against their methods, rather than inside one of them.

use ocpp_model::{
    Action, Allocator, AvailabilityStatus, AvailabilityType, ChangeAvailabilityRequest,
    ChargingProfilePurposeType, ClearCacheRequest, ClearCacheStatus, Reason, RemoteStartStopStatus,
    RemoteStartTransactionRequest, RemoteStopTransactionRequest, ResetRequest, ResetStatus,
    ResetType, UnlockConnectorRequest, UnlockStatus,
};
use serde::Serialize;

use crate::answers::{request, Reply};
use crate::block::Cx;
use crate::charge_point::Blocks;
use crate::connectors::Stamp;

pub(crate) const ACTIONS: &[Action] = &[
    Action::RemoteStartTransaction,
    Action::RemoteStopTransaction,
    Action::Reset,
    Action::UnlockConnector,
    Action::ChangeAvailability,
    Action::ClearCache,
];

/// What the firmware is to do for the central system, not yet handed out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Pending {
    /// A Reset was accepted: the firmware resets once it has sent what it
    /// must (see [`Event::Reset`](crate::Event::Reset)).
    pub(crate) reset: Option<bool>,
}

impl<A: Allocator + Clone> Blocks<A> {
    pub(crate) fn remote(&mut self, cx: &Cx<'_, A>, action: Action, payload: &[u8]) -> Reply {
        let status = match action {
            Action::RemoteStartTransaction => self.remote_start(cx, payload),
            Action::RemoteStopTransaction => self.remote_stop(cx, payload),
            Action::Reset => self.reset(cx, payload),
            Action::UnlockConnector => return self.unlock(cx, payload),
            Action::ChangeAvailability => self.change_availability(cx, payload),
            Action::ClearCache => self.clear_cache(cx, payload),
            _ => return Reply::NOT_SUPPORTED,
        };
        status.unwrap_or_else(|reply| reply)
    }

    /// Accepted when the transaction can begin: on the connector named, or
    /// (none named) on the first free one, a plugged one first. With
    /// AuthorizeRemoteTxRequests the idTag is authorized first (by the
    /// cache under LocalPreAuthorize, else Authorize.req).
    fn remote_start(&mut self, cx: &Cx<'_, A>, payload: &[u8]) -> Result<Reply, Reply> {
        let r: RemoteStartTransactionRequest<A> = request(cx, payload)?;
        let rejected = Reply::status(RemoteStartStopStatus::Rejected.as_str());
        // Only a TxProfile may come with a remote start (1.6 §5.11).
        let profile_ok = r
            .charging_profile
            .as_ref()
            .is_none_or(|p| p.charging_profile_purpose == ChargingProfilePurposeType::TxProfile);
        let connector = match r.connector_id {
            Some(id) => u8::try_from(id).ok().filter(|&c| c >= 1),
            None => self.free_connector(),
        };
        let Some(connector) = connector.filter(|_| profile_ok) else {
            return Ok(rejected);
        };
        if !self.connectors.is_operative(connector) {
            return Ok(rejected);
        }
        let config = cx.config;
        let cached = self.authorize.cached(cx, &r.id_tag);
        let known = cached.filter(|i| config.local_pre_authorize && crate::tx::is_valid(cx, i));
        let ask = config.authorize_remote_tx_requests && known.is_none();
        match self.tx.remote_start(cx, connector, r.id_tag, ask) {
            Ok(()) => Ok(Reply::status(RemoteStartStopStatus::Accepted.as_str())),
            Err(_) => Ok(rejected),
        }
    }

    /// The first connector where a transaction could begin, plugged first.
    fn free_connector(&self) -> Option<u8> {
        let free: &dyn Fn(u8) -> bool = &|c| self.tx.is_free(c) && self.connectors.is_operative(c);
        let all = 1..=self.connectors.count();
        all.clone()
            .find(|&c| free(c) && self.tx.is_plugged(c))
            .or_else(|| all.clone().find(|&c| free(c)))
    }

    fn remote_stop(&mut self, cx: &Cx<'_, A>, payload: &[u8]) -> Result<Reply, Reply> {
        let r: RemoteStopTransactionRequest = request(cx, payload)?;
        let status = match self.tx.connector_of(r.transaction_id) {
            Some(c) if self.tx.stop_for(cx, c, Reason::Remote).is_ok() => {
                RemoteStartStopStatus::Accepted
            }
            _ => RemoteStartStopStatus::Rejected,
        };
        Ok(Reply::status(status.as_str()))
    }

    /// Every transaction stops with SoftReset or HardReset; then the
    /// firmware is told to reset.
    fn reset(&mut self, cx: &Cx<'_, A>, payload: &[u8]) -> Result<Reply, Reply> {
        let r: ResetRequest = request(cx, payload)?;
        let hard = r.kind == ResetType::Hard;
        let reason = if hard {
            Reason::HardReset
        } else {
            Reason::SoftReset
        };
        for c in 1..=self.connectors.count() {
            // Connectors without a transaction answer NoTransaction: fine.
            let _ = self.tx.stop_for(cx, c, reason);
        }
        self.pending.reset = Some(hard);
        Ok(Reply::status(ResetStatus::Accepted.as_str()))
    }

    /// A running transaction stops with UnlockCommand; the answer waits for
    /// the firmware's [`unlock_result`](crate::ChargePoint::unlock_result),
    /// for the call timeout at most (then UnlockFailed).
    fn unlock(&mut self, cx: &Cx<'_, A>, payload: &[u8]) -> Reply {
        let r: UnlockConnectorRequest = match request(cx, payload) {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        let connector = u8::try_from(r.connector_id)
            .ok()
            .filter(|&c| c >= 1 && c <= self.connectors.count());
        let Some(connector) = connector else {
            return Reply::status(UnlockStatus::NotSupported.as_str());
        };
        let _ = self.tx.stop_for(cx, connector, Reason::UnlockCommand);
        self.tx.request_unlock(connector);
        Reply::Unlock {
            connector,
            outcome: None,
            deadline: crate::answers::Deadline::new(cx.now + cx.settings.call_timeout),
        }
    }

    /// Operative or Inoperative, at once, or (Scheduled) when the
    /// transaction on the connector ends. Connector 0: all of them.
    fn change_availability(&mut self, cx: &Cx<'_, A>, payload: &[u8]) -> Result<Reply, Reply> {
        let r: ChangeAvailabilityRequest = request(cx, payload)?;
        let count = self.connectors.count();
        let Some(target) = u8::try_from(r.connector_id).ok().filter(|&c| c <= count) else {
            return Ok(Reply::status(AvailabilityStatus::Rejected.as_str()));
        };
        let operative = r.kind == AvailabilityType::Operative;
        let stamp = Stamp::at(cx);
        let range = if target == 0 {
            0..=count
        } else {
            target..=target
        };
        let mut scheduled = false;
        for c in range {
            let busy = c != 0 && self.tx.transaction(c).is_some();
            scheduled |= busy;
            self.connectors.set_operative(c, operative, busy, stamp);
        }
        let status = if scheduled {
            AvailabilityStatus::Scheduled
        } else {
            AvailabilityStatus::Accepted
        };
        Ok(Reply::status(status.as_str()))
    }

    fn clear_cache(&mut self, cx: &Cx<'_, A>, payload: &[u8]) -> Result<Reply, Reply> {
        let _: ClearCacheRequest = request(cx, payload)?;
        self.authorize.clear_cache();
        Ok(Reply::status(ClearCacheStatus::Accepted.as_str()))
    }
}
