//! The field types of OCPP 1.6: `CiStringN`, the inline `IdToken`,
//! `dateTime`, `decimal`, and free text (strings the schemas leave unbounded).

mod ci_string;
mod datetime;
mod decimal;
mod id_token;
mod text;

pub use ci_string::{CiString, CiStringError};
pub use datetime::{DateTime, DateTimeError};
pub use decimal::Decimal;
pub use id_token::IdToken;
pub use text::Text;
