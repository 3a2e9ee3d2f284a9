//! GeoJSON of the sites, zones and coverage grids, for QGIS and other GIS tools, as RFC 7946
//! asks: [lon, lat] positions, exterior rings closed and counter-clockwise, and no more than
//! six decimals (about 0.1 m; RFC 7946 section 11.2), which keeps a 60-cell map small.

use super::ReportMaps;
use super::compare::letter;
use crate::coverage::{Cell, Coverage, MapSource};
use crate::decide::place::{GRID_PREFIX, PlaceResult};
use crate::model::Model;
use crate::summary::Summary;
use serde_json::{Value, json};

/// A coordinate rounded to six decimals; JSON then writes it with at most six.
fn coord(x: f64) -> f64 {
    (x * 1e6).round() / 1e6 + 0.0
}

/// A share rounded to four decimals: finer than any map's sampling error.
fn share(p: f64) -> f64 {
    (p * 1e4).round() / 1e4
}

/// A Polygon's one exterior ring from (lat, lon) points: [lon, lat] positions, rounded, closed,
/// and counter-clockwise (RFC 7946 section 3.1.6), whatever order the points came in.
fn ring(points: &[(f64, f64)]) -> Value {
    let mut coords: Vec<[f64; 2]> = points.iter().map(|&(lat, lon)| [coord(lon), coord(lat)]).collect();
    if signed_area(&coords) < 0.0 {
        coords.reverse();
    }
    if let Some(&first) = coords.first() {
        coords.push(first);
    }
    json!([coords])
}

/// Twice the signed area of a ring of [x, y] positions (shoelace): positive when
/// counter-clockwise.
pub fn signed_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    (0..n).map(|i| ring[i][0] * ring[(i + 1) % n][1] - ring[(i + 1) % n][0] * ring[i][1]).sum()
}

/// A Point per site, with its facilities and asset groups as arrays of objects, so a GIS can
/// filter and style by any of their fields.
fn site_features(model: &Model) -> Vec<Value> {
    model
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let facilities: Vec<Value> = model
                .facilities
                .iter()
                .enumerate()
                .filter(|(_, f)| f.site == i)
                .map(|(k, f)| {
                    // As facilities.csv gives it: null where no surgical team limits the tables
                    // (no tables, or round the clock).
                    let per_day = model.teams_limit(k).then_some(f.operations_per_day);
                    json!({
                        "id": f.id, "name": f.name, "level": format!("{:?}", f.level).to_lowercase(),
                        "resuscitation": f.resuscitation, "surgery": f.surgery,
                        "operating_tables": f.tables, "operations_per_day": per_day,
                    })
                })
                .collect();
            let assets: Vec<Value> = model
                .assets
                .iter()
                .filter(|a| a.base == i)
                .map(|a| {
                    json!({
                        "id": a.id, "name": a.name,
                        "kind": a.kind.key(),
                        "count": a.count, "speed_kmh": a.speed_kmh, "stretchers": a.stretchers,
                        "night_capable": a.night_capable, "medical_team": a.medical_team,
                    })
                })
                .collect();
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [coord(s.pos.lon), coord(s.pos.lat)] },
                "properties": {
                    "kind": "site", "id": s.id, "name": s.name,
                    "facilities": facilities, "assets": assets,
                },
            })
        })
        .collect()
}

/// A Polygon per zone; with a run's `summary`, each step's share in time in the zone and the
/// casualties it is of (null where the step counted none), for styling the zones by result.
fn zone_features(model: &Model, summary: Option<&Summary>) -> Vec<Value> {
    let keys = ["first_aid", "resuscitation", "surgery"];
    model
        .zones
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let mut p = serde_json::Map::new();
            p.insert("kind".into(), json!("zone"));
            p.insert("id".into(), json!(z.id));
            p.insert("name".into(), json!(z.name));
            p.insert("incidents_per_day".into(), json!(z.incidents_per_day));
            p.insert("air_only".into(), json!(z.access.air_only));
            if let Some(g) = summary.and_then(|s| s.by_zone.get(i)) {
                p.insert("casualties".into(), json!(g.casualties));
                for (key, st) in keys.iter().zip(&g.steps) {
                    p.insert(format!("p_{key}"), json!(st.compliance.map(share)));
                    p.insert(format!("n_{key}"), json!(st.eligible));
                }
            }
            json!({
                "type": "Feature",
                "geometry": { "type": "Polygon", "coordinates": ring(&z.area.outline()) },
                "properties": Value::Object(p),
            })
        })
        .collect()
}

/// The square of one grid cell as a Polygon feature with `properties`.
fn cell_feature(c: &Cell, (dlat, dlon): (f64, f64), properties: Value) -> Value {
    let (s, n, w, e) = (c.lat - dlat / 2.0, c.lat + dlat / 2.0, c.lon - dlon / 2.0, c.lon + dlon / 2.0);
    json!({
        "type": "Feature",
        "geometry": { "type": "Polygon", "coordinates": ring(&[(s, w), (s, e), (n, e), (n, w)]) },
        "properties": properties,
    })
}

/// The FeatureCollection; `trials`, a foreign member (RFC 7946 section 6.1), says how many
/// trials the cells' counts add up over.
fn collection(name: &str, trials: u64, features: Vec<Value>) -> String {
    text(json!({ "type": "FeatureCollection", "name": name, "trials": trials, "features": features }))
}

/// A GeoJSON document as its file holds it: one line, then a line break.
fn text(doc: Value) -> String {
    let mut out = serde_json::to_string(&doc).expect("a JSON value always serialises");
    out.push('\n');
    out
}

/// The properties of one map cell: its kind, the zone at its centre, and for each step the
/// share in time and, on the map under load, the casualties it is of (a null share where there
/// were none); a reach cell's shares are all of the same number of probes, so it does not
/// repeat it. The zone is the one whose rules a probe at the centre takes
/// ([`crate::coverage::zone_at`]): the casualties counted in a cell may be of other zones.
fn cell_properties(model: &Model, kind: &str, c: &Cell, counts: bool) -> Value {
    let mut p = serde_json::Map::new();
    p.insert("kind".into(), json!(kind));
    p.insert("centre_zone".into(), json!(model.zones[c.zone].id));
    for (s, key) in ["first_aid", "resuscitation", "surgery"].iter().enumerate() {
        p.insert(format!("p_{key}"), json!((c.n[s] > 0).then(|| share(c.p[s]))));
        if counts {
            p.insert(format!("n_{key}"), json!(c.n[s]));
        }
    }
    Value::Object(p)
}

/// One FeatureCollection: a Point per site (its facilities and asset groups as properties), a
/// Polygon per zone with its figures from the run, a Polygon per cell of the coverage map under
/// the run's load where a casualty was counted (`coverage_cell`), and a Polygon per cell of the
/// reach map (`reach_cell`).
pub fn to_geojson(model: &Model, summary: &Summary, maps: &ReportMaps) -> String {
    let mut features = site_features(model);
    features.extend(zone_features(model, Some(summary)));
    for (kind, map) in [("coverage_cell", &maps.load), ("reach_cell", &maps.reach)] {
        let run = matches!(map.source, MapSource::Run { .. });
        for c in map.cells.iter().filter(|c| !run || c.n.iter().any(|&n| n > 0)) {
            features.push(cell_feature(c, map.cell_deg, cell_properties(model, kind, c, run)));
        }
    }
    collection(&model.name, summary.run.trials, features)
}

/// The difference map of a comparison: the zones; each scenario's sites, tagged with its
/// letter (`variant`: A for the base, then B, C…); and a Polygon per grid cell where some
/// scenario counted a casualty, with each scenario's casualties and share in time for each step
/// (`n_surgery_A`, `p_surgery_A`, `n_surgery_B`…; a null share where it counted none) and each
/// alternative's change from the base (`diff_surgery_B` = `p_surgery_B` − `p_surgery_A`, null
/// unless both counted some). `maps` are the base's and then each alternative's, on one grid
/// ([`crate::coverage::paired_run_coverage`]), over `trials` trials.
pub fn difference_geojson(base: &Model, alts: &[Model], maps: &[Coverage], trials: u64) -> String {
    let mut features = Vec::new();
    for (k, m) in std::iter::once(base).chain(alts).enumerate() {
        for mut f in site_features(m) {
            f["properties"]["variant"] = json!(letter(k).to_string());
            features.push(f);
        }
    }
    features.extend(zone_features(base, None));
    let keys = ["first_aid", "resuscitation", "surgery"];
    for (i, c) in maps[0].cells.iter().enumerate() {
        if maps.iter().all(|m| m.cells[i].n.iter().all(|&n| n == 0)) {
            continue;
        }
        let mut p = serde_json::Map::new();
        p.insert("kind".into(), json!("difference_cell"));
        p.insert("centre_zone".into(), json!(base.zones[c.zone].id));
        for (k, map) in maps.iter().enumerate() {
            let cell = &map.cells[i];
            for (s, key) in keys.iter().enumerate() {
                p.insert(format!("n_{key}_{}", letter(k)), json!(cell.n[s]));
                p.insert(format!("p_{key}_{}", letter(k)), json!((cell.n[s] > 0).then(|| share(cell.p[s]))));
                if k > 0 {
                    let both = cell.n[s] > 0 && c.n[s] > 0;
                    p.insert(format!("diff_{key}_{}", letter(k)), json!(both.then(|| share(cell.p[s] - c.p[s]))));
                }
            }
        }
        features.push(cell_feature(c, maps[0].cell_deg, Value::Object(p)));
    }
    collection(&format!("{}: difference map", base.name), trials, features)
}

/// The placement map: the scenario's sites as given (without a grid's points, which are no
/// sites of the file) and its zones, and a Point per candidate of each placement in `results`
/// (one for a single asset or facility; the last pass's, one per placed item, for several),
/// with its rank, standing and value, so a GIS can style the candidates by result. `model` is
/// the scenario the placements moved things in, with a grid's points added as sites.
pub fn place_geojson(model: &Model, results: &[PlaceResult]) -> String {
    let grid = results.iter().any(|r| r.grid.is_some());
    // A grid's point holds nothing of the laydown as given (a point left out as the site as
    // given is not a candidate either).
    let mut features: Vec<Value> = site_features(model)
        .into_iter()
        .filter(|f| {
            let p = &f["properties"];
            let empty = p["facilities"].as_array().is_some_and(Vec::is_empty)
                && p["assets"].as_array().is_some_and(Vec::is_empty);
            !(grid && empty && p["id"].as_str().is_some_and(|id| id.starts_with(GRID_PREFIX)))
        })
        .collect();
    features.extend(zone_features(model, None));
    for r in results {
        for c in &r.candidates {
            let grid_point = r.is_grid_point(c);
            features.push(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [coord(c.lon), coord(c.lat)] },
                "properties": {
                    "kind": "candidate",
                    "moved": r.moved.to_string(),
                    "site": c.site,
                    "grid_point": grid_point,
                    "as_given": r.is_as_given(c),
                    "rank": c.rank,
                    "standing": c.standing,
                    "value": c.value.map(share),
                    "difference_from_best": c.difference_from_best.map(share),
                    "half_width": c.half_width.map(share),
                    "first_round_value": c.first_round_value.map(share),
                    "trials": c.trials,
                    "set": c.set,
                },
            }));
        }
    }
    let moved: Vec<String> = results.iter().map(|r| r.moved.to_string()).collect();
    let first = results.first().expect("a placement has a result");
    text(json!({
        "type": "FeatureCollection",
        "name": format!("{}: where {} {}", model.name, moved.join(" and "), if moved.len() > 1 { "go" } else { "goes" }),
        "objective": first.objective,
        "features": features,
    }))
}
