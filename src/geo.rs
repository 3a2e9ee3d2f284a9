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
#[derive(Debug, Clone, PartialEq)]
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
        /// A point known to be inside, (lon, lat), or None for a polygon without area (which
        /// validation refuses): what sampling falls back to if rejection sampling is unlucky.
        inside: Option<(f64, f64)>,
        /// The edges by band of latitude, for sampling (None where they would take too much room).
        bands: Option<Bands>,
    },
}

/// A polygon's edges grouped by horizontal band between consecutive vertex latitudes, so the
/// even-odd test of a point reads only the edges that cross its band rather than every edge.
///
/// Which edges the ray from a point crosses, `(yi > y) != (yj > y)`, changes only where `y`
/// passes a vertex's latitude, so it is the same for every `y` of a band: the band's edges are
/// chosen with that very test at the band's lower bound. Each edge keeps the terms of the
/// crossing test as `contains` computes them, so a point is judged bit for bit alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// The vertices' distinct latitudes, ascending; band `k` runs from `ys[k]` up to `ys[k + 1]`.
    ys: Vec<f64>,
    /// Band `k`'s edges are `edges[start[k]..start[k + 1]]`.
    start: Vec<u32>,
    /// Each edge from vertex i to vertex j as (xi, yi, xj - xi, yj - yi).
    edges: Vec<[f64; 4]>,
}

impl Bands {
    /// None for a ring with a coordinate that is not finite (validation refuses them), or whose
    /// bands would hold more than a few edges each on average: a comb-like outline of a thousand
    /// points would otherwise take megabytes, so it is tested edge by edge as before.
    fn new(vertices: &[(f64, f64)]) -> Option<Bands> {
        Bands::within(vertices, 4 * vertices.len() + 16)
    }

    /// The bands, unless they hold more than `limit` edges in all.
    fn within(vertices: &[(f64, f64)], limit: usize) -> Option<Bands> {
        if vertices.iter().any(|&(x, y)| !x.is_finite() || !y.is_finite()) {
            return None;
        }
        let mut ys: Vec<f64> = vertices.iter().map(|v| v.1).collect();
        ys.sort_by(f64::total_cmp);
        // -0.0 and 0.0 are one latitude to the test.
        ys.dedup_by(|a, b| a == b);
        let (mut start, mut edges) = (vec![0u32], Vec::new());
        for &y in &ys[..ys.len().saturating_sub(1)] {
            let mut j = vertices.len() - 1;
            for i in 0..vertices.len() {
                let ((xi, yi), (xj, yj)) = (vertices[i], vertices[j]);
                if (yi > y) != (yj > y) {
                    edges.push([xi, yi, xj - xi, yj - yi]);
                }
                j = i;
            }
            if edges.len() > limit {
                return None;
            }
            start.push(edges.len() as u32);
        }
        Some(Bands { ys, start, edges })
    }

    /// `contains(vertices, x, y)` for the ring these bands were made from. Below the lowest
    /// vertex or at or above the highest (and for a NaN), no edge is crossed: outside.
    fn contains(&self, x: f64, y: f64) -> bool {
        let k = self.ys.partition_point(|&v| v <= y);
        if k == 0 || k == self.ys.len() {
            return false;
        }
        let band = &self.edges[self.start[k - 1] as usize..self.start[k] as usize];
        let mut inside = false;
        for &[xi, yi, dx, dy] in band {
            if x < dx * (y - yi) / dy + xi {
                inside = !inside;
            }
        }
        inside
    }
}

/// Rejection sampling gives up after this many draws. Validation demands a fill ratio of at
/// least 1%, so the chance of reaching it is below 0.99^10000, about 1e-44: never in practice,
/// but the loop is bounded whatever the polygon.
const MAX_SAMPLE_TRIES: usize = 10_000;

/// Checks a zone's ring of (lat, lon) points and returns it without a repeated closing point.
/// Refuses what rejection sampling and the even-odd rule would silently get wrong: a repeated
/// point, an edge across the antimeridian, and edges that cross or touch (a figure of eight, a
/// ring traced twice).
pub fn check_ring(latlon: &[(f64, f64)]) -> Result<Vec<(f64, f64)>, String> {
    let mut ring = latlon.to_vec();
    // A closed ring (last point = first), as GIS tools write it, is the same polygon.
    if ring.len() > 3 && ring.first() == ring.last() {
        ring.pop();
    }
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if a == b {
            return Err(format!("points {} and {} are the same place", i + 1, (i + 1) % n + 1));
        }
        if (a.1 - b.1).abs() > 180.0 {
            return Err(format!(
                "the edge from point {} to point {} crosses the antimeridian (180° longitude), \
                 which casevac's flat longitude-latitude map cannot wrap",
                i + 1,
                (i + 1) % n + 1
            ));
        }
    }
    // (lon, lat) as x, y.
    let v: Vec<(f64, f64)> = ring.iter().map(|&(lat, lon)| (lon, lat)).collect();
    for i in 0..n {
        for j in i + 1..n {
            let (p1, p2) = (v[i], v[(i + 1) % n]);
            let (q1, q2) = (v[j], v[(j + 1) % n]);
            let adjacent = j == i + 1 || (i == 0 && j == n - 1);
            let bad = if adjacent {
                // Neighbours share a point; they are wrong only if the outline doubles back
                // along itself there.
                let (a, b, c) = if j == i + 1 { (p1, p2, q2) } else { (q1, q2, p2) };
                orient(a, b, c) == 0.0 && (b.0 - a.0) * (c.0 - b.0) + (b.1 - a.1) * (c.1 - b.1) < 0.0
            } else {
                segments_touch(p1, p2, q1, q2)
            };
            if bad {
                return Err(format!(
                    "the edge from point {} to {} and the edge from point {} to {} cross or touch",
                    i + 1,
                    (i + 1) % n + 1,
                    j + 1,
                    (j + 1) % n + 1
                ));
            }
        }
    }
    Ok(ring)
}

/// Twice the signed area of the triangle abc: > 0 when c lies left of a→b.
fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

/// Whether segments p1p2 and q1q2 share any point.
fn segments_touch(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> bool {
    let (d1, d2) = (orient(q1, q2, p1), orient(q1, q2, p2));
    let (d3, d4) = (orient(p1, p2, q1), orient(p1, p2, q2));
    if d1 * d2 < 0.0 && d3 * d4 < 0.0 {
        return true;
    }
    let on = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        c.0 >= a.0.min(b.0) && c.0 <= a.0.max(b.0) && c.1 >= a.1.min(b.1) && c.1 <= a.1.max(b.1)
    };
    (d1 == 0.0 && on(q1, q2, p1))
        || (d2 == 0.0 && on(q1, q2, p2))
        || (d3 == 0.0 && on(p1, p2, q1))
        || (d4 == 0.0 && on(p1, p2, q2))
}

/// A point inside the polygon, found on a fixed grid over its bounding box: deterministic, so
/// sampling's fallback never draws a random number.
fn find_inside(vertices: &[(f64, f64)], bbox: &[f64; 4]) -> Option<(f64, f64)> {
    const STEPS: usize = 64;
    (0..STEPS * STEPS).find_map(|k| {
        let x = bbox[0] + (bbox[2] - bbox[0]) * ((k % STEPS) as f64 + 0.5) / STEPS as f64;
        let y = bbox[1] + (bbox[3] - bbox[1]) * ((k / STEPS) as f64 + 0.5) / STEPS as f64;
        contains(vertices, x, y).then_some((x, y))
    })
}

impl Area {
    pub fn polygon(latlon: &[(f64, f64)]) -> Area {
        let vertices: Vec<(f64, f64)> = latlon.iter().map(|&(lat, lon)| (lon, lat)).collect();
        let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for &(x, y) in &vertices {
            bbox = [bbox[0].min(x), bbox[1].min(y), bbox[2].max(x), bbox[3].max(y)];
        }
        let (cx, cy) = polygon_centroid(&vertices);
        let inside = find_inside(&vertices, &bbox);
        let bands = Bands::new(&vertices);
        Area::Polygon { vertices, bbox, centroid: Point::new(cy, cx), inside, bands }
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
            Area::Polygon { vertices, bbox, inside, centroid, bands } => {
                // Rejection sampling; validation guarantees the polygon fills a fair share of its box.
                for _ in 0..MAX_SAMPLE_TRIES {
                    let x = bbox[0] + (bbox[2] - bbox[0]) * unit(rng);
                    let y = bbox[1] + (bbox[3] - bbox[1]) * unit(rng);
                    let hit = match bands {
                        Some(b) => b.contains(x, y),
                        None => contains(vertices, x, y),
                    };
                    if hit {
                        return Point::new(y, x);
                    }
                }
                inside.map_or(*centroid, |(x, y)| Point::new(y, x))
            }
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
    fn rings_that_cross_touch_or_wrap_are_refused() {
        let square = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)];
        assert_eq!(check_ring(&square).unwrap().len(), 4);
        let mut closed = square.to_vec();
        closed.push(square[0]);
        assert_eq!(check_ring(&closed).unwrap().len(), 4, "a closing point is dropped");
        let twice: Vec<(f64, f64)> = square.iter().chain(&square).copied().collect();
        assert!(check_ring(&twice).unwrap_err().contains("cross or touch"));
        let bowtie = [(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)];
        assert!(check_ring(&bowtie).unwrap_err().contains("cross or touch"));
        let back = [(0.0, 0.0), (0.0, 2.0), (0.0, 1.0), (1.0, 1.0)];
        assert!(check_ring(&back).unwrap_err().contains("cross or touch"));
        let dateline = [(10.0, 179.0), (10.0, -179.0), (-10.0, -179.0), (-10.0, 179.0)];
        assert!(check_ring(&dateline).unwrap_err().contains("antimeridian"));
        let repeated = [(0.0, 0.0), (0.0, 1.0), (0.0, 1.0), (1.0, 0.0)];
        assert!(check_ring(&repeated).unwrap_err().contains("same place"));
    }

    #[test]
    fn sampling_a_polygon_without_inside_points_ends() {
        // A ring traced twice: validation refuses it, and the sampler still returns.
        let square = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)];
        let twice: Vec<(f64, f64)> = square.iter().chain(&square).copied().collect();
        let area = Area::polygon(&twice);
        assert!(matches!(area, Area::Polygon { inside: None, .. }));
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let _ = area.sample(&mut rng);
    }

    #[test]
    fn bands_judge_every_point_as_the_edge_by_edge_test() {
        // Random rings (crossing ones too: the equality holds for any ring), with points at
        // random, on the vertices' latitudes and longitudes, on edges and at the box's corners.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(12);
        let mut rings: Vec<Vec<(f64, f64)>> = vec![
            vec![
                (16.30, -0.20),
                (17.10, -0.55),
                (18.10, 0.95),
                (18.50, 1.30),
                (18.30, 1.55),
                (17.60, 0.85),
                (16.20, 0.15),
            ],
            vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)],
            vec![(-0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, -0.0)],
        ];
        for n in 3..40 {
            // Coarse coordinates repeat latitudes and make horizontal edges.
            let coarse = n % 2 == 0;
            rings.push(
                (0..n)
                    .map(|_| {
                        let (a, b) = (unit(&mut rng) * 10.0 - 5.0, unit(&mut rng) * 10.0 - 5.0);
                        if coarse { (a.round(), b.round()) } else { (a, b) }
                    })
                    .collect(),
            );
        }
        for ring in &rings {
            let v: Vec<(f64, f64)> = ring.iter().map(|&(lat, lon)| (lon, lat)).collect();
            let b = Bands::within(&v, usize::MAX).expect("finite");
            let (xs, ys): (Vec<f64>, Vec<f64>) = v.iter().copied().unzip();
            let lo =
                (xs.iter().copied().fold(f64::INFINITY, f64::min), ys.iter().copied().fold(f64::INFINITY, f64::min));
            let hi = (
                xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            );
            let mut points: Vec<(f64, f64)> = (0..4000)
                .map(|_| {
                    (
                        lo.0 - 0.1 + (hi.0 - lo.0 + 0.2) * unit(&mut rng),
                        lo.1 - 0.1 + (hi.1 - lo.1 + 0.2) * unit(&mut rng),
                    )
                })
                .collect();
            for (i, &(x, y)) in v.iter().enumerate() {
                let (x2, y2) = v[(i + 1) % v.len()];
                points.extend([(x, y), ((x + x2) / 2.0, (y + y2) / 2.0), (x2, y), (x, y2)]);
                points.extend(xs.iter().map(|&x| (x, y)));
                points.extend([(unit(&mut rng) * 12.0 - 6.0, y), (x, f64::NAN), (f64::NAN, y)]);
            }
            points.extend([lo, hi, (lo.0, hi.1), (hi.0, lo.1), (0.0, f64::INFINITY), (0.0, f64::NEG_INFINITY)]);
            for (x, y) in points {
                assert_eq!(b.contains(x, y), contains(&v, x, y), "{ring:?} at ({x}, {y})");
            }
        }
    }

    #[test]
    fn rings_without_finite_points_or_with_crowded_bands_go_edge_by_edge() {
        assert!(Bands::new(&[(0.0, 0.0), (1.0, f64::NAN), (1.0, 0.0)]).is_none());
        // A comb: every band crosses every tooth.
        let mut comb = vec![(0.0, 0.0)];
        for t in 0..100 {
            let x = f64::from(t);
            comb.extend([(x + 0.25, 10.0 + 0.01 * x), (x + 0.5, 0.0)]);
        }
        comb.push((200.0, -1.0));
        assert!(Bands::new(&comb).is_none());
        assert!(Bands::new(&comb[..7]).is_some());
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
