//! The field types of OCPP 1.6: `CiStringN`, `dateTime`, `decimal`, and free
//! text (strings the schemas leave unbounded).

mod ci_string;
mod datetime;
mod decimal;
mod text;

pub use ci_string::{CiString, CiStringError, IdToken};
pub use datetime::{DateTime, DateTimeError};
pub use decimal::Decimal;
pub use text::Text;
