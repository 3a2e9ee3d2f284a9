//! GeoJSON of the sites, zones and coverage grid, for QGIS and other GIS tools.

use crate::coverage::Coverage;
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

/// One FeatureCollection: a Point per site (its facilities and asset groups as properties), a
/// Polygon per zone, and a Polygon per coverage cell with the probability of each step.
pub fn to_geojson(model: &Model, coverage: &Coverage) -> String {
    let mut features = Vec::new();
    for (i, s) in model.sites.iter().enumerate() {
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
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "Point", "coordinates": [s.pos.lon, s.pos.lat] },
            "properties": {
                "kind": "site", "id": s.id, "name": s.name,
                "facilities": facilities.join("; "), "assets": assets.join("; "),
            },
        }));
    }
    for z in &model.zones {
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "Polygon", "coordinates": ring(&z.area.outline()) },
            "properties": {
                "kind": "zone", "id": z.id, "name": z.name,
                "incidents_per_day": z.incidents_per_day, "air_only": z.access.air_only,
            },
        }));
    }
    let (dlat, dlon) = coverage.cell_deg;
    for c in &coverage.cells {
        let (s, n, w, e) = (c.lat - dlat / 2.0, c.lat + dlat / 2.0, c.lon - dlon / 2.0, c.lon + dlon / 2.0);
        features.push(json!({
            "type": "Feature",
            "geometry": { "type": "Polygon", "coordinates": ring(&[(s, w), (s, e), (n, e), (n, w)]) },
            "properties": {
                "kind": "coverage_cell",
                "zone": model.zones[c.zone].id,
                "p_first_aid": c.p[0], "p_resuscitation": c.p[1], "p_surgery": c.p[2],
            },
        }));
    }
    let doc = json!({
        "type": "FeatureCollection",
        "name": model.name,
        "features": features,
    });
    let mut out = serde_json::to_string(&doc).expect("a JSON value always serialises");
    out.push('\n');
    out
}
