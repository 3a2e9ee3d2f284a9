//! casevac: Monte Carlo simulation of casualty evacuation against the 10-1-2 standard.

pub mod coverage;
pub mod dist;
pub mod geo;
pub mod model;
pub mod report;
pub mod run;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod summary;
