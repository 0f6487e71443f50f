//! DataTransfer from the central system (OCPP 1.6 §5.5): no vendor extension
//! is registered, so every request gets the spec's `UnknownVendorId`.

use ocpp_model::{Action, Allocator, DataTransferRequest, DataTransferStatus};
use serde::Serialize;

use crate::answers::{request, Reply};
use crate::block::Cx;

#[derive(Debug, Default, Serialize)]
pub(crate) struct DataTransfer;

/// A decoded DataTransfer.req, ready to be answered.
#[must_use]
pub(crate) struct Prepared;

impl DataTransfer {
    pub(crate) const ACTIONS: &'static [Action] = &[Action::DataTransfer];

    pub(crate) fn handle_call<A: Allocator + Clone>(
        &mut self,
        cx: &Cx<'_, A>,
        _action: Action,
        payload: &[u8],
    ) -> Reply {
        match self.prepare(cx, payload) {
            Ok(prepared) => self.commit(prepared),
            Err(reply) => reply,
        }
    }

    fn prepare<A: Allocator + Clone>(
        &self,
        cx: &Cx<'_, A>,
        payload: &[u8],
    ) -> Result<Prepared, Reply> {
        let _request: DataTransferRequest<A> = request(cx, payload)?;
        Ok(Prepared)
    }

    fn commit(&mut self, _prepared: Prepared) -> Reply {
        Reply::status(DataTransferStatus::UnknownVendorId.as_str())
    }
}
