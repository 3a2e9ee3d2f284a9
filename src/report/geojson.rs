//! GeoJSON of the sites, zones and coverage grid, for QGIS and other GIS tools.

use super::compare::letter;
use crate::coverage::{Cell, Coverage};
use crate::model::Model;
use serde_json::{Value, json};

fn ring(points: &[(f64, f64)]) -> Value {
    // GeoJSON wants [lon, lat] and a closed ring.
    let mut coords: Vec<Value> = points.iter().map(|&(lat, lon)| json!([lon, lat])).collect();
    if let Some(first) = coords.first().cloned() {
        coords.push(first);
    }
    json!([coords])
}

/// A Point per site, with its facilities and asset groups as properties.
fn site_features(model: &Model) -> Vec<Value> {
    model
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let facilities: Vec<String> = model
                .facilities
                .iter()
                .filter(|f| f.site == i)
                .map(|f| format!("{} ({:?}, {} tables)", f.id, f.level, f.tables).to_lowercase())
                .collect();
            let assets: Vec<String> = model
                .assets
                .iter()
                .filter(|a| a.base == i)
                .map(|a| format!("{} ({} x {:?})", a.id, a.count, a.kind).to_lowercase())
                .collect();
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [s.pos.lon, s.pos.lat] },
                "properties": {
                    "kind": "site", "id": s.id, "name": s.name,
                    "facilities": facilities.join("; "), "assets": assets.join("; "),
                },
            })
        })
        .collect()
}

/// A Polygon per zone.
fn zone_features(model: &Model) -> Vec<Value> {
    model
        .zones
        .iter()
        .map(|z| {
            json!({
                "type": "Feature",
                "geometry": { "type": "Polygon", "coordinates": ring(&z.area.outline()) },
                "properties": {
                    "kind": "zone", "id": z.id, "name": z.name,
                    "incidents_per_day": z.incidents_per_day, "air_only": z.access.air_only,
                },
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

fn collection(name: &str, features: Vec<Value>) -> String {
    let doc = json!({ "type": "FeatureCollection", "name": name, "features": features });
    let mut out = serde_json::to_string(&doc).expect("a JSON value always serialises");
    out.push('\n');
    out
}

/// One FeatureCollection: a Point per site (its facilities and asset groups as properties), a
/// Polygon per zone, and a Polygon per coverage cell with the probability of each step.
pub fn to_geojson(model: &Model, coverage: &Coverage) -> String {
    let mut features = site_features(model);
    features.extend(zone_features(model));
    for c in &coverage.cells {
        features.push(cell_feature(
            c,
            coverage.cell_deg,
            json!({
                "kind": "coverage_cell",
                "zone": model.zones[c.zone].id,
                "p_first_aid": c.p[0], "p_resuscitation": c.p[1], "p_surgery": c.p[2],
            }),
        ));
    }
    collection(&model.name, features)
}

/// The difference map of a comparison: the zones; each scenario's sites, tagged with its
/// letter (`variant`: A for the base, then B, C…); and a Polygon per grid cell with each
/// scenario's probability of each step (`p_surgery_A`, `p_surgery_B`…) and each alternative's
/// change from the base (`diff_surgery_B` = `p_surgery_B` − `p_surgery_A`). `maps` are the
/// base's and then each alternative's, on one grid ([`crate::coverage::paired_coverage`]).
pub fn difference_geojson(base: &Model, alts: &[Model], maps: &[Coverage]) -> String {
    let mut features = Vec::new();
    for (k, m) in std::iter::once(base).chain(alts).enumerate() {
        for mut f in site_features(m) {
            f["properties"]["variant"] = json!(letter(k).to_string());
            features.push(f);
        }
    }
    features.extend(zone_features(base));
    let keys = ["first_aid", "resuscitation", "surgery"];
    for (i, c) in maps[0].cells.iter().enumerate() {
        let mut p = serde_json::Map::new();
        p.insert("kind".into(), json!("difference_cell"));
        p.insert("zone".into(), json!(base.zones[c.zone].id));
        for (k, map) in maps.iter().enumerate() {
            for (s, key) in keys.iter().enumerate() {
                p.insert(format!("p_{key}_{}", letter(k)), json!(map.cells[i].p[s]));
                if k > 0 {
                    p.insert(format!("diff_{key}_{}", letter(k)), json!(map.cells[i].p[s] - c.p[s]));
                }
            }
        }
        features.push(cell_feature(c, maps[0].cell_deg, Value::Object(p)));
    }
    collection(&format!("{}: difference map", base.name), features)
}
