//! The transaction messages as they wait in the queue (inline, fixed size,
//! postcard-encodable for the storage to come), and their encoding onto the
//! wire straight from that form, without building the model's pool types.

use ocpp_model::encode::{Encode, Full, Writer};
use ocpp_model::{
    Action, Allocator, DateTime, IdToken, MeterValuesResponse, ReadingContext, Reason, Request,
    StartTransactionRequest, StopTransactionResponse,
};
use serde::Serialize;

use super::meter::{Readings, SampledValueOut};
use super::stop_data::StopData;

/// A transaction message waiting for delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum TxMessage {
    Start(Start),
    Meter(Meter),
    Stop(Stop),
}

impl TxMessage {
    /// The charge point's own number of the transaction the message is of.
    pub(crate) fn local(&self) -> u32 {
        match self {
            TxMessage::Start(m) => m.local,
            TxMessage::Meter(m) => m.local,
            TxMessage::Stop(m) => m.local,
        }
    }

    /// The central system gave the transaction its id: fill it in.
    pub(crate) fn set_transaction_id(&mut self, local: u32, id: i32) {
        match self {
            TxMessage::Meter(m) if m.local == local => m.transaction_id = Some(id),
            TxMessage::Stop(m) if m.local == local => m.transaction_id = Some(id),
            _ => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Start {
    pub(crate) local: u32,
    pub(crate) connector: u8,
    pub(crate) id_tag: IdToken,
    /// Wh.
    pub(crate) meter_start: i32,
    /// When the transaction started, not when the message is sent.
    pub(crate) timestamp: DateTime,
}

impl Start {
    pub(crate) fn request(&self) -> StartTransactionRequest {
        StartTransactionRequest {
            connector_id: i32::from(self.connector),
            id_tag: self.id_tag,
            meter_start: self.meter_start,
            reservation_id: None,
            timestamp: self.timestamp,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Meter {
    pub(crate) local: u32,
    pub(crate) connector: u8,
    /// Known once the StartTransaction is answered.
    pub(crate) transaction_id: Option<i32>,
    pub(crate) timestamp: DateTime,
    pub(crate) context: ReadingContext,
    pub(crate) values: Readings,
}

/// A queued MeterValues as the wire's MeterValues.req.
pub(crate) struct MeterValuesOut<'a>(pub(crate) &'a Meter);

impl Request for MeterValuesOut<'_> {
    const ACTION: Action = Action::MeterValues;
    type Response = MeterValuesResponse;
}

/// MeterValues.req, schema order: connectorId, transactionId, meterValue.
impl Encode for MeterValuesOut<'_> {
    fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        let this = self.0;
        let mut o = w.object()?;
        o.field("connectorId", &u32::from(this.connector))?;
        if let Some(id) = this.transaction_id {
            o.field("transactionId", &id)?;
        }
        o.field_with("meterValue", |w| {
            let mut a = w.array()?;
            a.item_with(|w| meter_value(w, this.timestamp, &this.values, this.context))?;
            a.end()
        })?;
        o.end()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Stop {
    pub(crate) local: u32,
    /// Known once the StartTransaction is answered.
    pub(crate) transaction_id: Option<i32>,
    pub(crate) id_tag: Option<IdToken>,
    /// Wh.
    pub(crate) meter_stop: i32,
    /// When the transaction stopped, not when the message is sent.
    pub(crate) timestamp: DateTime,
    pub(crate) reason: Reason,
    /// StopTxnSampledData at the start and at the end of the transaction.
    pub(crate) begin: Option<(DateTime, Readings)>,
    pub(crate) end: Readings,
}

/// A queued StopTransaction as the wire's StopTransaction.req, with the
/// StopTxnAlignedData samples kept for its transaction.
pub(crate) struct StopTransactionOut<'a, A: Allocator + Clone> {
    pub(crate) stop: &'a Stop,
    pub(crate) aligned: &'a StopData<A>,
}

impl<A: Allocator + Clone> Request for StopTransactionOut<'_, A> {
    const ACTION: Action = Action::StopTransaction;
    type Response = StopTransactionResponse;
}

/// StopTransaction.req, schema order.
impl<A: Allocator + Clone> Encode for StopTransactionOut<'_, A> {
    fn encode_json(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        let this = self.stop;
        let mut o = w.object()?;
        if let Some(t) = &this.id_tag {
            o.field("idTag", t)?;
        }
        o.field("meterStop", &this.meter_stop)?;
        o.field("timestamp", &this.timestamp)?;
        // Sent only once known (see `Transactions::poll_call`).
        o.field("transactionId", &this.transaction_id.unwrap_or(0))?;
        o.field("reason", &this.reason)?;
        let data = TransactionData {
            begin: this.begin.filter(|(_, r)| !r.is_empty()),
            aligned: self.aligned,
            local: this.local,
            end: (this.timestamp, &this.end),
        };
        if !data.is_empty() {
            o.field_with("transactionData", |w| data.write(w))?;
        }
        o.end()
    }
}

/// `transactionData`: StopTxnSampledData at the start, the clock-aligned
/// StopTxnAlignedData samples in between, StopTxnSampledData at the end.
struct TransactionData<'a, A: Allocator + Clone> {
    begin: Option<(DateTime, Readings)>,
    aligned: &'a StopData<A>,
    local: u32,
    end: (DateTime, &'a Readings),
}

impl<A: Allocator + Clone> TransactionData<'_, A> {
    fn is_empty(&self) -> bool {
        self.begin.is_none()
            && self.end.1.is_empty()
            && self.aligned.of(self.local).next().is_none()
    }

    fn write(&self, w: &mut Writer<'_>) -> Result<(), Full> {
        let mut a = w.array()?;
        if let Some((timestamp, values)) = &self.begin {
            a.item_with(|w| meter_value(w, *timestamp, values, ReadingContext::TransactionBegin))?;
        }
        for sample in self.aligned.of(self.local) {
            a.item_with(|w| {
                meter_value(
                    w,
                    sample.timestamp,
                    &sample.values,
                    ReadingContext::SampleClock,
                )
            })?;
        }
        if !self.end.1.is_empty() {
            let (timestamp, values) = self.end;
            a.item_with(|w| meter_value(w, timestamp, values, ReadingContext::TransactionEnd))?;
        }
        a.end()
    }
}

/// One `meterValue`: a timestamp and its sampled values.
fn meter_value(
    w: &mut Writer<'_>,
    timestamp: DateTime,
    values: &Readings,
    context: ReadingContext,
) -> Result<(), Full> {
    let mut o = w.object()?;
    o.field("timestamp", &timestamp)?;
    o.field_with("sampledValue", |w| {
        let mut a = w.array()?;
        for reading in values.iter() {
            a.item_with(|w| SampledValueOut { reading, context }.write(w))?;
        }
        a.end()
    })?;
    o.end()
}
