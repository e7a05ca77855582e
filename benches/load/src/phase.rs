//! The phases of a run; each starts (or reaches) the demo it drives and
//! adds its rows to the report.

pub mod core_trigger;
pub mod redeem;
pub mod scale;
