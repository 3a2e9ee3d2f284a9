//! casevac: Monte Carlo simulation of casualty evacuation against the 10-1-2 standard
//! (first aid within 10 minutes of wounding, damage-control resuscitation within 1 hour,
//! damage-control surgery within 2 hours).
//!
//! The command line (`casevac run`, `casevac validate`) is a thin layer over this library.
//! Data flows one way: a scenario file is parsed and checked into a [`model::Model`], trials
//! of the [`sim::Engine`] add their outcomes to an integer [`stats::Tally`], and a
//! [`summary::Summary`] turns the tally into rates, intervals and causes for the reports.
//!
//! # A worked example
//!
//! One helicopter with a medical team, a Level 2 hospital beside its base, and a patrol area
//! 40 km away:
//!
//! ```
//! let text = r#"
//! [scenario]
//! name = "example"
//! period_days = 30
//!
//! [[site]]
//! id = "base"
//! lat = 0.0
//! lon = 0.0
//!
//! [[facility]]
//! id = "hospital"
//! site = "base"
//! level = "level2"
//!
//! [[asset]]
//! id = "heli"
//! kind = "helicopter"
//! base = "base"
//! speed_kmh = 240
//! night_capable = true
//! medical_team = true
//!
//! [[zone]]
//! id = "patrols"
//! centre = { lat = 0.0, lon = 0.36 }
//! radius_km = 10
//! incidents_per_day = 0.5
//! severity = { t1 = 0.5, t2 = 0.3, t3 = 0.2 }
//! surgery_share = { t1 = 0.9, t2 = 0.4, t3 = 0.0 }
//! first_aider_share = 0.8
//! report_delay_min = { triangular = { min = 2, mode = 5, max = 15 } }
//! "#;
//! let model = casevac::scenario::parse(text, "example.toml").expect("a valid scenario");
//! // 200 trials with seed 7, on rayon's pool; the same seed gives the same tally on any threads.
//! let tally = casevac::run::run_batch(&model, 7, 0, 200, &|_| {});
//! let summary = casevac::summary::Summary::new(&model, &tally, 7);
//! let resuscitation = &summary.steps[1];
//! // Report 2-15 min, launch 15 min, 40 km at 240 km/h = 10 min: the team arrives well inside
//! // the hour unless the helicopter is already out on another mission.
//! assert!(resuscitation.compliance.unwrap() > 0.9);
//! println!("{}", casevac::report::table::render(&summary));
//! ```

pub mod compare;
pub mod coverage;
pub mod daylight;
pub mod decide;
pub mod dist;
pub mod geo;
pub mod model;
pub mod outcome;
pub mod report;
pub mod run;
pub mod scenario;
pub mod shard;
pub mod sim;
pub mod stats;
pub mod summary;
