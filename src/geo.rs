//! Places on the Earth: great-circle distances and random points inside incident zones.

use crate::dist::unit;
use rand::Rng;

/// Mean Earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;
/// Length of one degree of latitude on the mean sphere, km.
pub const KM_PER_DEG: f64 = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

/// A position in decimal degrees, with its unit vector cached for fast distances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
    xyz: [f64; 3],
}

impl Point {
    pub fn new(lat: f64, lon: f64) -> Point {
        let (sla, cla) = lat.to_radians().sin_cos();
        let (slo, clo) = lon.to_radians().sin_cos();
        Point { lat, lon, xyz: [cla * clo, cla * slo, sla] }
    }

    /// Great-circle distance in km, from the chord between the two unit vectors
    /// (exact on the sphere and well conditioned for short distances, unlike the cosine rule).
    #[inline]
    pub fn distance_km(&self, other: &Point) -> f64 {
        let dx = self.xyz[0] - other.xyz[0];
        let dy = self.xyz[1] - other.xyz[1];
        let dz = self.xyz[2] - other.xyz[2];
        let chord = (dx * dx + dy * dy + dz * dz).sqrt();
        2.0 * EARTH_RADIUS_KM * (chord / 2.0).min(1.0).asin()
    }

    /// The point `east_km` and `north_km` away on the local tangent plane (fine for zones of
    /// a few hundred km; the error grows with the square of the offset).
    pub fn offset_km(&self, east_km: f64, north_km: f64) -> Point {
        let lat = self.lat + north_km / KM_PER_DEG;
        let lon = self.lon + east_km / (KM_PER_DEG * self.lat.to_radians().cos().max(1e-6));
        Point::new(lat, lon)
    }
}

/// Where incidents of a zone happen.
#[derive(Debug, Clone)]
pub enum Area {
    Circle {
        centre: Point,
        radius_km: f64,
    },
    /// Vertices as (lon, lat) in degrees; the polygon closes itself.
    Polygon {
        vertices: Vec<(f64, f64)>,
        bbox: [f64; 4],
        centroid: Point,
    },
}

impl Area {
    pub fn polygon(latlon: &[(f64, f64)]) -> Area {
        let vertices: Vec<(f64, f64)> = latlon.iter().map(|&(lat, lon)| (lon, lat)).collect();
        let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for &(x, y) in &vertices {
            bbox = [bbox[0].min(x), bbox[1].min(y), bbox[2].max(x), bbox[3].max(y)];
        }
        let (cx, cy) = polygon_centroid(&vertices);
        Area::Polygon { vertices, bbox, centroid: Point::new(cy, cx) }
    }

    /// A representative point: the circle's centre or the polygon's centroid.
    pub fn centre(&self) -> Point {
        match self {
            Area::Circle { centre, .. } => *centre,
            Area::Polygon { centroid, .. } => *centroid,
        }
    }

    /// A point uniformly distributed over the area.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Point {
        match self {
            Area::Circle { centre, radius_km } => {
                if *radius_km == 0.0 {
                    return *centre;
                }
                // sqrt makes the density uniform in area rather than in radius.
                let r = radius_km * unit(rng).sqrt();
                let (s, c) = (std::f64::consts::TAU * unit(rng)).sin_cos();
                centre.offset_km(r * c, r * s)
            }
            Area::Polygon { vertices, bbox, .. } => loop {
                // Rejection sampling; validation guarantees the polygon fills a fair share of its box.
                let x = bbox[0] + (bbox[2] - bbox[0]) * unit(rng);
                let y = bbox[1] + (bbox[3] - bbox[1]) * unit(rng);
                if contains(vertices, x, y) {
                    return Point::new(y, x);
                }
            },
        }
    }

    /// Whether a point lies inside the area.
    pub fn contains(&self, p: &Point) -> bool {
        match self {
            Area::Circle { centre, radius_km } => centre.distance_km(p) <= *radius_km,
            Area::Polygon { vertices, .. } => contains(vertices, p.lon, p.lat),
        }
    }

    /// Bounding box as [lat_min, lat_max, lon_min, lon_max].
    pub fn bounds(&self) -> [f64; 4] {
        match self {
            Area::Circle { centre, radius_km } => {
                let dlat = radius_km / KM_PER_DEG;
                let dlon = radius_km / (KM_PER_DEG * centre.lat.to_radians().cos().max(1e-6));
                [centre.lat - dlat, centre.lat + dlat, centre.lon - dlon, centre.lon + dlon]
            }
            Area::Polygon { bbox, .. } => [bbox[1], bbox[3], bbox[0], bbox[2]],
        }
    }

    /// The outline as (lat, lon) points: a circle as a 64-gon.
    pub fn outline(&self) -> Vec<(f64, f64)> {
        match self {
            Area::Circle { centre, radius_km } => (0..64)
                .map(|i| {
                    let (s, c) = (std::f64::consts::TAU * i as f64 / 64.0).sin_cos();
                    let p = centre.offset_km(radius_km * c, radius_km * s);
                    (p.lat, p.lon)
                })
                .collect(),
            Area::Polygon { vertices, .. } => vertices.iter().map(|&(lon, lat)| (lat, lon)).collect(),
        }
    }

    /// Share of the bounding box the polygon covers (1 for a circle): rejection sampling's yield.
    pub fn fill_ratio(&self) -> f64 {
        match self {
            Area::Circle { .. } => 1.0,
            Area::Polygon { vertices, bbox, .. } => {
                let box_area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]);
                if box_area > 0.0 { polygon_area(vertices).abs() / box_area } else { 0.0 }
            }
        }
    }
}

/// Even-odd ray casting in the lon/lat plane.
pub fn contains(vertices: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut inside = false;
    let mut j = vertices.len() - 1;
    for i in 0..vertices.len() {
        let (xi, yi) = vertices[i];
        let (xj, yj) = vertices[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Signed shoelace area in square degrees.
fn polygon_area(v: &[(f64, f64)]) -> f64 {
    let n = v.len();
    (0..n).map(|i| v[i].0 * v[(i + 1) % n].1 - v[(i + 1) % n].0 * v[i].1).sum::<f64>() / 2.0
}

fn polygon_centroid(v: &[(f64, f64)]) -> (f64, f64) {
    let a = polygon_area(v);
    if a == 0.0 {
        let n = v.len().max(1) as f64;
        return (v.iter().map(|p| p.0).sum::<f64>() / n, v.iter().map(|p| p.1).sum::<f64>() / n);
    }
    let n = v.len();
    let (mut cx, mut cy) = (0.0, 0.0);
    for i in 0..n {
        let (x0, y0) = v[i];
        let (x1, y1) = v[(i + 1) % n];
        let cross = x0 * y1 - x1 * y0;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    (cx / (6.0 * a), cy / (6.0 * a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn one_degree_of_longitude_on_the_equator() {
        let d = Point::new(0.0, 0.0).distance_km(&Point::new(0.0, 1.0));
        assert!((d - KM_PER_DEG).abs() < 1e-9, "{d}");
    }

    #[test]
    fn haversine_agrees_with_chord_formula() {
        // Gao to Kidal, computed independently with the haversine formula.
        let (a, b) = ((16.2666_f64, -0.0400_f64), (18.4411_f64, 1.4078_f64));
        let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
        let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((b.1 - a.1).to_radians() / 2.0).sin().powi(2);
        let expect = 2.0 * EARTH_RADIUS_KM * h.sqrt().asin();
        let got = Point::new(a.0, a.1).distance_km(&Point::new(b.0, b.1));
        assert!((got - expect).abs() < 1e-6, "{got} vs {expect}");
    }

    #[test]
    fn circle_samples_are_uniform_in_area() {
        // For a uniform disc, P(r <= R/2) = 1/4; 20,000 draws give a standard error of 0.003.
        let c = Point::new(10.0, 20.0);
        let area = Area::Circle { centre: c, radius_km: 50.0 };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let n = 20_000;
        let inner = (0..n).filter(|_| area.sample(&mut rng).distance_km(&c) <= 25.0).count();
        let share = inner as f64 / n as f64;
        assert!((share - 0.25).abs() < 4.0 * (0.25_f64 * 0.75 / n as f64).sqrt(), "{share}");
    }

    #[test]
    fn polygon_samples_stay_inside_and_fill_ratio_is_area_share() {
        // A right triangle fills half its bounding box.
        let area = Area::polygon(&[(0.0, 0.0), (0.0, 1.0), (1.0, 0.0)]);
        assert!((area.fill_ratio() - 0.5).abs() < 1e-12);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        for _ in 0..1000 {
            let p = area.sample(&mut rng);
            assert!(p.lat >= 0.0 && p.lon >= 0.0 && p.lat + p.lon <= 1.0 + 1e-12);
        }
    }
}
