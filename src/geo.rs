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

    /// The point an angle θ away along the great circle that leaves this one with a heading
    /// whose east and north parts are `east` and `north` (its sine and cosine from north), given
    /// cos θ and sin θ.
    fn along(&self, east: f64, north: f64, cos_t: f64, sin_t: f64) -> Point {
        // The unit vectors east and north here, from this point's own: its longitude's cosine
        // and sine are its x and y over the cosine of its latitude (at least cos 89°).
        let [x, y, z] = self.xyz;
        let across = (x * x + y * y).sqrt();
        let (cos_lon, sin_lon) = (x / across, y / across);
        let to_east = [-sin_lon, cos_lon, 0.0];
        let to_north = [-z * cos_lon, -z * sin_lon, across];
        let xyz: [f64; 3] =
            std::array::from_fn(|i| cos_t * self.xyz[i] + sin_t * (north * to_north[i] + east * to_east[i]));
        // The unit vector is the point itself: its latitude and longitude are read off it
        // rather than its vector worked out again from them.
        Point { lat: xyz[2].clamp(-1.0, 1.0).asin().to_degrees(), lon: xyz[1].atan2(xyz[0]).to_degrees(), xyz }
    }
}

/// Where incidents of a zone happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Area {
    Circle {
        centre: Point,
        radius_km: f64,
        /// One minus the cosine of the radius as an angle ρ, written 2 sin²(ρ/2) so that a
        /// small circle keeps its digits: what sampling draws a share of (see [`Area::circle`]).
        cap: f64,
    },
    /// Vertices as (lon, lat) in degrees; the polygon closes itself.
    Polygon {
        vertices: Vec<(f64, f64)>,
        bbox: [f64; 4],
        centroid: Point,
        /// The outline cut into triangles, for sampling (none for a polygon without area,
        /// which validation refuses).
        triangles: Vec<Triangle>,
    },
}

/// One triangle of a polygon, on the flat longitude-latitude map its edges are straight on.
///
/// A degree square's true area is the cosine of its latitude, so a point even over the Earth's
/// surface has a density in (lon, lat) proportional to cos(lat). Sampling proposes a point even
/// over a triangle chosen in proportion to its area times the largest cosine over it, and keeps
/// it with probability cos(lat) over that largest cosine: exact, and kept at the first try
/// nearly always (at least cos 20° / cos 15°, 97%, across a Sahel zone 5° deep).
#[derive(Debug, Clone, PartialEq)]
pub struct Triangle {
    /// A corner (lon, lat) and the edges from it to the other two.
    corner: (f64, f64),
    edges: [(f64, f64); 2],
    /// The proposal weights of the polygon's triangles summed up to this one.
    weight_to: f64,
    /// The cosine of the latitude of the triangle nearest the equator, and the least cosine
    /// over it as a share of that: a draw below the share keeps its point without a cosine.
    cos_max: f64,
    sure_share: f64,
}

impl Triangle {
    fn new(a: (f64, f64), b: (f64, f64), c: (f64, f64), weight_before: f64) -> Triangle {
        let (lo, hi) = (a.1.min(b.1).min(c.1), a.1.max(b.1).max(c.1));
        let cos = |lat: f64| lat.to_radians().cos();
        // Nearest the equator: 0 if the triangle spans it, else the edge of its band nearer it.
        let cos_max = if lo <= 0.0 && hi >= 0.0 { 1.0 } else { cos(lo.abs().min(hi.abs())) };
        let cos_min = cos(lo.abs().max(hi.abs()));
        Triangle {
            corner: a,
            edges: [(b.0 - a.0, b.1 - a.1), (c.0 - a.0, c.1 - a.1)],
            weight_to: weight_before + orient(a, b, c).abs() / 2.0 * cos_max,
            cos_max,
            sure_share: cos_min / cos_max,
        }
    }
}

/// Sampling gives up after this many proposals and keeps the last. A proposal is kept with
/// probability at least cos 89° (0.017, validation's highest latitude), so the chance of
/// reaching it is below 0.983^10000, about 1e-75: never in practice, but the loop is bounded.
const MAX_SAMPLE_TRIES: usize = 10_000;

/// The polygon's triangles, from earcut (the ring is validated as simple, without holes).
fn triangulate(vertices: &[(f64, f64)]) -> Vec<Triangle> {
    let mut corners: Vec<u32> = Vec::new();
    earcut::Earcut::new().earcut(vertices.iter().map(|&(x, y)| [x, y]), &[] as &[u32], &mut corners);
    let mut triangles: Vec<Triangle> = Vec::with_capacity(corners.len() / 3);
    for t in corners.chunks_exact(3) {
        let before = triangles.last().map_or(0.0, |t| t.weight_to);
        let [a, b, c] = [t[0], t[1], t[2]].map(|i| vertices[i as usize]);
        triangles.push(Triangle::new(a, b, c, before));
    }
    triangles
}

/// Checks a zone's ring of (lat, lon) points and returns it without a repeated closing point.
/// Refuses what triangulation and the even-odd rule would silently get wrong: a repeated
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

impl Area {
    /// A circle of `radius_km` round `centre`, on the sphere.
    pub fn circle(centre: Point, radius_km: f64) -> Area {
        let half = (radius_km / EARTH_RADIUS_KM / 2.0).sin();
        Area::Circle { centre, radius_km, cap: 2.0 * half * half }
    }

    pub fn polygon(latlon: &[(f64, f64)]) -> Area {
        let vertices: Vec<(f64, f64)> = latlon.iter().map(|&(lat, lon)| (lon, lat)).collect();
        let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for &(x, y) in &vertices {
            bbox = [bbox[0].min(x), bbox[1].min(y), bbox[2].max(x), bbox[3].max(y)];
        }
        let (cx, cy) = polygon_centroid(&vertices);
        let triangles = triangulate(&vertices);
        Area::Polygon { vertices, bbox, centroid: Point::new(cy, cx), triangles }
    }

    /// A representative point: the circle's centre or the polygon's centroid.
    pub fn centre(&self) -> Point {
        match self {
            Area::Circle { centre, .. } => *centre,
            Area::Polygon { centroid, .. } => *centroid,
        }
    }

    /// A point uniformly distributed over the area on the Earth's surface.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Point {
        match self {
            Area::Circle { centre, radius_km, cap } => {
                if *radius_km == 0.0 {
                    return *centre;
                }
                // Even over the spherical cap: the cosine of the angle from the centre is even
                // between cos ρ and 1, so one minus it is an even share of the cap's.
                let drop = cap * unit(rng);
                let (cos_t, sin_t) = (1.0 - drop, (drop * (2.0 - drop)).sqrt());
                let (east, north) = (std::f64::consts::TAU * unit(rng)).sin_cos();
                centre.along(east, north, cos_t, sin_t)
            }
            Area::Polygon { triangles, centroid, .. } => {
                let Some(total) = triangles.last().map(|t| t.weight_to) else { return *centroid };
                let mut point = *centroid;
                for _ in 0..MAX_SAMPLE_TRIES {
                    let w = total * unit(rng);
                    let t = &triangles[triangles.partition_point(|t| t.weight_to <= w).min(triangles.len() - 1)];
                    // Even over the parallelogram on the two edges, folded onto the triangle.
                    let (mut r, mut s) = (unit(rng), unit(rng));
                    if r + s > 1.0 {
                        (r, s) = (1.0 - r, 1.0 - s);
                    }
                    let lon = t.corner.0 + r * t.edges[0].0 + s * t.edges[1].0;
                    let lat = t.corner.1 + r * t.edges[0].1 + s * t.edges[1].1;
                    point = Point::new(lat, lon);
                    let keep = unit(rng);
                    if keep < t.sure_share || keep * t.cos_max < lat.to_radians().cos() {
                        break;
                    }
                }
                point
            }
        }
    }

    /// Whether a point lies inside the area.
    pub fn contains(&self, p: &Point) -> bool {
        match self {
            Area::Circle { centre, radius_km, .. } => centre.distance_km(p) <= *radius_km,
            Area::Polygon { vertices, .. } => contains(vertices, p.lon, p.lat),
        }
    }

    /// Bounding box as [lat_min, lat_max, lon_min, lon_max].
    pub fn bounds(&self) -> [f64; 4] {
        match self {
            Area::Circle { centre, radius_km, .. } => {
                // The cap's northern and southern points lie on the centre's meridian; its
                // eastern and western reach, where great circles from the centre touch a
                // meridian, is asin(sin ρ / cos lat) (all of it for a cap over the pole).
                let rho = radius_km / EARTH_RADIUS_KM;
                let dlat = rho.to_degrees();
                let dlon = (rho.sin() / centre.lat.to_radians().cos().max(1e-6)).min(1.0).asin().to_degrees();
                let dlon = if dlon >= 90.0 { 180.0 } else { dlon };
                [centre.lat - dlat, centre.lat + dlat, centre.lon - dlon, centre.lon + dlon]
            }
            Area::Polygon { bbox, .. } => [bbox[1], bbox[3], bbox[0], bbox[2]],
        }
    }

    /// The outline as (lat, lon) points: a circle as a 64-gon.
    pub fn outline(&self) -> Vec<(f64, f64)> {
        match self {
            Area::Circle { centre, radius_km, .. } => (0..64)
                .map(|i| {
                    let (north, east) = (std::f64::consts::TAU * i as f64 / 64.0).sin_cos();
                    let rho = radius_km / EARTH_RADIUS_KM;
                    let p = centre.along(east, north, rho.cos(), rho.sin());
                    (p.lat, p.lon)
                })
                .collect(),
            Area::Polygon { vertices, .. } => vertices.iter().map(|&(lon, lat)| (lat, lon)).collect(),
        }
    }

    /// Whether the area can be sampled: a circle always can (radius 0 is a point); a polygon
    /// if its outline encloses more than a billionth of its bounding box in latitude and
    /// longitude and cuts into triangles. Collinear points enclose nothing, and so do the
    /// lobes of a figure of eight that cancel.
    pub fn has_area(&self) -> bool {
        match self {
            Area::Circle { .. } => true,
            Area::Polygon { vertices, bbox, triangles, .. } => {
                let box_area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]);
                !triangles.is_empty() && box_area > 0.0 && polygon_area(vertices).abs() > 1e-9 * box_area
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
    fn sampling_a_polygon_validation_refuses_still_ends() {
        // Collinear points cut into no triangle; a ring traced twice into some. Validation
        // refuses both, and the sampler still returns.
        let square = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)];
        let twice: Vec<(f64, f64)> = square.iter().chain(&square).copied().collect();
        let collinear = [(0.0, 0.5), (0.1, 0.5), (0.2, 0.5)];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        for ring in [&twice[..], &collinear[..]] {
            let _ = Area::polygon(ring).sample(&mut rng);
        }
        assert!(!Area::polygon(&collinear).has_area());
        assert!(Area::polygon(&square).has_area());
    }

    /// The share of `n` points sampled in `area` that `within` holds for is `expect`, within
    /// four and a half standard errors of a binomial share; and every point is inside.
    fn sampled_share(area: &Area, n: usize, seed: u64, within: impl Fn(&Point) -> bool, expect: f64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut hits = 0;
        for _ in 0..n {
            let p = area.sample(&mut rng);
            assert!(area.contains(&p), "{p:?}");
            hits += usize::from(within(&p));
        }
        let share = hits as f64 / n as f64;
        let tolerance = 4.5 * (expect * (1.0 - expect) / n as f64).sqrt();
        assert!((share - expect).abs() < tolerance, "{share} against {expect} ± {tolerance}");
    }

    /// On the sphere the band between latitudes a and b has area in proportion to
    /// sin b − sin a: of a box from the equator to 60° N, the half below 30° holds
    /// sin 30° / sin 60° = 57.7% of the area (sampling even in latitude would give 50%).
    #[test]
    fn polygon_samples_are_even_over_the_earths_surface() {
        let sin = |d: f64| d.to_radians().sin();
        let tall = Area::polygon(&[(0.0, 0.0), (60.0, 0.0), (60.0, 10.0), (0.0, 10.0)]);
        sampled_share(&tall, 100_000, 4, |p| p.lat < 30.0, sin(30.0) / sin(60.0));
        sampled_share(&tall, 100_000, 5, |p| p.lon < 5.0, 0.5);
        // Across the equator, south of it the same: the box from 40° S to 20° N holds
        // sin 40° / (sin 40° + sin 20°) of its area south of the equator.
        let across = Area::polygon(&[(-40.0, 0.0), (20.0, 0.0), (20.0, 10.0), (-40.0, 10.0)]);
        sampled_share(&across, 100_000, 6, |p| p.lat < 0.0, sin(40.0) / (sin(40.0) + sin(20.0)));
        // An L, not convex: the arm from 10° to 12° N, one degree wide beside the upright
        // from 10° to 20° N, holds (sin 12° − sin 10°) / (sin 20° − sin 10° + sin 12° − sin 10°).
        let ell = Area::polygon(&[(10.0, 0.0), (20.0, 0.0), (20.0, 1.0), (12.0, 1.0), (12.0, 2.0), (10.0, 2.0)]);
        let arm = sin(12.0) - sin(10.0);
        sampled_share(&ell, 100_000, 7, |p| p.lon > 1.0, arm / (sin(20.0) - sin(10.0) + arm));
    }

    /// A road corridor a degree long and a kilometre wide, laid diagonally, fills under 1% of
    /// its bounding box: sampled by its triangles, every point is inside and each half of its
    /// length takes its share (sin 0.5° / sin 1°, a hair over one half).
    #[test]
    fn a_thin_diagonal_corridor_is_sampled_over_its_length() {
        let corridor = Area::polygon(&[(0.0, 0.0), (1.0, 1.0), (1.0, 1.009), (0.0, 0.009)]);
        assert!(corridor.has_area());
        let sin = |d: f64| d.to_radians().sin();
        sampled_share(&corridor, 100_000, 8, |p| p.lat < 0.5, sin(0.5) / sin(1.0));
    }

    /// The triangles cover the outline exactly: their areas sum to the polygon's, for the
    /// bundled zone's outline and for random star-shaped outlines (simple, often not convex).
    #[test]
    fn triangles_cover_the_polygon() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let mut rings: Vec<Vec<(f64, f64)>> = vec![vec![
            (16.30, -0.20),
            (17.10, -0.55),
            (18.10, 0.95),
            (18.50, 1.30),
            (18.30, 1.55),
            (17.60, 0.85),
            (16.20, 0.15),
        ]];
        for n in [3, 5, 12, 40, 300, 1000] {
            rings.push(
                (0..n)
                    .map(|k| {
                        let angle = std::f64::consts::TAU * k as f64 / n as f64;
                        let r = 0.2 + unit(&mut rng);
                        (10.0 + r * angle.sin(), 20.0 + r * angle.cos())
                    })
                    .collect(),
            );
        }
        for ring in &rings {
            let area = Area::polygon(&check_ring(ring).expect("a simple ring"));
            let Area::Polygon { vertices, triangles, .. } = &area else { unreachable!() };
            let summed: f64 =
                triangles.iter().map(|t| (t.edges[0].0 * t.edges[1].1 - t.edges[0].1 * t.edges[1].0).abs() / 2.0).sum();
            let outline = polygon_area(vertices).abs();
            assert!((summed - outline).abs() < 1e-9 * outline, "{} points: {summed} against {outline}", ring.len());
        }
    }

    /// On the sphere a cap of angular radius a has area in proportion to 1 − cos a. Of a circle
    /// 2,000 km across its radius at 40° N, the ring beyond 1,800 km holds
    /// 1 − (1 − cos 0.9ρ) / (1 − cos ρ) of the area (ρ the radius as an angle), and the half east
    /// of its centre half of it; every point lies within the radius. A flat map's offsets put
    /// the ring's points up to 5% nearer the centre (an eighth fewer beyond 1,800 km).
    #[test]
    fn circle_samples_are_even_over_the_earths_surface() {
        let c = Point::new(40.0, 20.0);
        let radius_km = 2000.0;
        let area = Area::circle(c, radius_km);
        let rho = radius_km / EARTH_RADIUS_KM;
        let beyond = 1.0 - (1.0 - (0.9 * rho).cos()) / (1.0 - rho.cos());
        sampled_share(&area, 100_000, 1, |p| c.distance_km(p) > 0.9 * radius_km, beyond);
        sampled_share(&area, 100_000, 2, |p| p.lon > c.lon, 0.5);
        // A small circle, where the cap is all but a flat disc: a quarter within half the radius.
        let small = Area::circle(Point::new(10.0, 20.0), 50.0);
        let rho = 50.0 / EARTH_RADIUS_KM;
        let within_half = (1.0 - (rho / 2.0).cos()) / (1.0 - rho.cos());
        sampled_share(&small, 100_000, 3, |p| p.distance_km(&small.centre()) <= 25.0, within_half);
        // A sampled point keeps the unit vector it was made from: the one its latitude and
        // longitude give, to rounding.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        for _ in 0..1000 {
            let p = area.sample(&mut rng);
            let q = Point::new(p.lat, p.lon);
            assert!((0..3).all(|i| (p.xyz[i] - q.xyz[i]).abs() < 1e-15), "{p:?} against {q:?}");
        }
    }
}
