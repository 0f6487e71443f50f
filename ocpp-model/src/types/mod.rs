//! The field types of OCPP 1.6: `CiStringN`, `dateTime`, `decimal`.

mod ci_string;
mod datetime;
mod decimal;

pub use ci_string::{CiString, CiStringError, IdToken};
pub use datetime::{DateTime, DateTimeError};
pub use decimal::Decimal;
