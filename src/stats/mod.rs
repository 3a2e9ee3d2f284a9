//! Tallies, intervals and quantiles.

pub mod interval;
pub mod tally;

pub use tally::{Histograms, Tally};
