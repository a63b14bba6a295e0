//! Offline world map: a small TopoJSON decoder (world-atlas files) that pre-projects shapes to SVG path data with
//! an equirectangular projection (`x = lon + 180`, `y = 90 - lat`, one unit per degree), so the browser needs no
//! map library and the page no inline script.

use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// Files looked for in `<data dir>/ui/`, best first.
pub const MAP_FILES: [(&str, &str); 2] = [("countries-110m.json", "countries"), ("land-110m.json", "land")];

#[derive(Deserialize)]
struct Topology {
    #[serde(default)]
    transform: Option<Transform>,
    objects: HashMap<String, TopoObject>,
    arcs: Vec<Vec<Vec<f64>>>,
}

#[derive(Deserialize)]
struct Transform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum TopoObject {
    GeometryCollection {
        geometries: Vec<TopoObject>,
    },
    Polygon {
        arcs: Vec<Vec<i64>>,
        #[serde(default)]
        properties: Option<Properties>,
    },
    MultiPolygon {
        arcs: Vec<Vec<Vec<i64>>>,
        #[serde(default)]
        properties: Option<Properties>,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize, Default, Clone)]
struct Properties {
    #[serde(default)]
    name: Option<String>,
}

/// One projected shape (a country or a land mass).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Its name when the file gives one.
    pub name: Option<String>,
    /// SVG path data in map units (degrees from the top-left corner).
    pub path: String,
}

/// A decoded world map.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldMap {
    /// Shapes in file order.
    pub shapes: Vec<Shape>,
    /// The file it came from.
    pub source: String,
}

/// Why a map file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// No map file in the directory.
    #[error("no map file ({}) in {dir}; run crates/khabar-api/scripts/fetch-ui-assets.sh", MAP_FILES.map(|f| f.0).join(" or "))]
    Missing {
        /// The directory searched.
        dir: String,
    },
    /// The file is unreadable.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The reason.
        message: String,
    },
    /// The file is not a TopoJSON topology.
    #[error("{path} is not TopoJSON: {message}")]
    Format {
        /// The file.
        path: String,
        /// The reason.
        message: String,
    },
}

/// Projects a longitude/latitude to map units.
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    (lon.clamp(-180.0, 180.0) + 180.0, 90.0 - lat.clamp(-90.0, 90.0))
}

impl WorldMap {
    /// Loads the first map file found in `dir`.
    pub fn load(dir: &Path) -> Result<WorldMap, MapError> {
        for (file, object) in MAP_FILES {
            let path = dir.join(file);
            if !path.is_file() {
                continue;
            }
            let display = path.display().to_string();
            let bytes = std::fs::read(&path).map_err(|e| MapError::Io {
                path: display.clone(),
                message: e.to_string(),
            })?;
            return WorldMap::from_topojson(&bytes, object).map_err(|message| MapError::Format {
                path: display.clone(),
                message,
            });
        }
        Err(MapError::Missing {
            dir: dir.display().to_string(),
        })
    }

    /// Decodes object `object` of a TopoJSON topology.
    pub fn from_topojson(bytes: &[u8], object: &str) -> Result<WorldMap, String> {
        let topo: Topology = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let arcs = decode_arcs(&topo);
        let root = topo
            .objects
            .get(object)
            .or_else(|| topo.objects.values().next())
            .ok_or_else(|| "topology has no objects".to_string())?;
        let mut shapes = Vec::new();
        collect(root, &arcs, &mut shapes);
        if shapes.is_empty() {
            return Err("topology has no polygons".into());
        }
        Ok(WorldMap {
            shapes,
            source: object.to_string(),
        })
    }
}

/// Absolute lon/lat coordinates of every arc.
fn decode_arcs(topo: &Topology) -> Vec<Vec<(f64, f64)>> {
    topo.arcs
        .iter()
        .map(|arc| {
            let mut out = Vec::with_capacity(arc.len());
            let (mut x, mut y) = (0.0, 0.0);
            for p in arc {
                let (Some(&a), Some(&b)) = (p.first(), p.get(1)) else {
                    continue;
                };
                match &topo.transform {
                    Some(t) => {
                        x += a;
                        y += b;
                        out.push((x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]));
                    }
                    None => out.push((a, b)),
                }
            }
            out
        })
        .collect()
}

fn collect(g: &TopoObject, arcs: &[Vec<(f64, f64)>], out: &mut Vec<Shape>) {
    match g {
        TopoObject::GeometryCollection { geometries } => {
            for g in geometries {
                collect(g, arcs, out);
            }
        }
        TopoObject::Polygon {
            arcs: rings,
            properties,
        } => {
            let mut path = String::new();
            polygon_path(rings, arcs, &mut path);
            push(out, properties, path);
        }
        TopoObject::MultiPolygon {
            arcs: polys,
            properties,
        } => {
            let mut path = String::new();
            for rings in polys {
                polygon_path(rings, arcs, &mut path);
            }
            push(out, properties, path);
        }
        TopoObject::Other => {}
    }
}

fn push(out: &mut Vec<Shape>, properties: &Option<Properties>, path: String) {
    if !path.is_empty() {
        out.push(Shape {
            name: properties.as_ref().and_then(|p| p.name.clone()),
            path,
        });
    }
}

fn polygon_path(rings: &[Vec<i64>], arcs: &[Vec<(f64, f64)>], path: &mut String) {
    use std::fmt::Write;
    for ring in rings {
        let mut points: Vec<(f64, f64)> = Vec::new();
        for &index in ring {
            // A negative index `~i` walks arc `i` backwards.
            let (i, reversed) = if index < 0 { (!index, true) } else { (index, false) };
            let Some(arc) = usize::try_from(i).ok().and_then(|i| arcs.get(i)) else {
                continue;
            };
            let mut pts: Vec<(f64, f64)> = arc.clone();
            if reversed {
                pts.reverse();
            }
            // Consecutive arcs share their joining point.
            let skip = usize::from(!points.is_empty());
            points.extend(pts.into_iter().skip(skip));
        }
        if points.len() < 3 {
            continue;
        }
        for (k, (lon, lat)) in points.iter().enumerate() {
            let (x, y) = project(*lon, *lat);
            let _ = write!(path, "{}{:.2},{:.2}", if k == 0 { "M" } else { "L" }, x, y);
        }
        path.push('Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_quantized_delta_arcs_with_reversed_references() {
        // Two squares sharing an edge: arc 0 is the shared edge, walked forwards by one and backwards by the other.
        let topo = r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[0,0]},
          "objects":{"countries":{"type":"GeometryCollection","geometries":[
            {"type":"Polygon","arcs":[[0,1]],"properties":{"name":"A"}},
            {"type":"Polygon","arcs":[[2,-1]],"properties":{"name":"B"}},
            {"type":"Point","coordinates":[0,0]}]}},
          "arcs":[[[10,0],[0,10]],[[10,10],[-10,0],[0,-10],[10,0]],[[10,0],[10,0],[0,10],[-10,0]]]}"#;
        let map = WorldMap::from_topojson(topo.as_bytes(), "countries").unwrap();
        assert_eq!(map.shapes.len(), 2);
        assert_eq!(map.shapes[0].name.as_deref(), Some("A"));
        // (10,0) projects to x=190, y=90.
        assert!(
            map.shapes[0].path.starts_with("M190.00,90.00L190.00,80.00"),
            "{}",
            map.shapes[0].path
        );
        // B ends by walking the shared edge backwards: from (10,10) to (10,0).
        assert!(
            map.shapes[1].path.ends_with("L190.00,80.00L190.00,90.00Z"),
            "{}",
            map.shapes[1].path
        );
    }

    #[test]
    fn bad_files_are_errors_not_panics() {
        assert!(WorldMap::from_topojson(b"{}", "land").is_err());
        assert!(WorldMap::from_topojson(b"not json", "land").is_err());
        let empty = r#"{"type":"Topology","objects":{"land":{"type":"GeometryCollection","geometries":[]}},"arcs":[]}"#;
        assert!(WorldMap::from_topojson(empty.as_bytes(), "land").is_err());
        let bad_index =
            r#"{"type":"Topology","objects":{"land":{"type":"Polygon","arcs":[[99,-100]]}},"arcs":[]}"#;
        assert!(WorldMap::from_topojson(bad_index.as_bytes(), "land").is_err());
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            WorldMap::load(dir.path()),
            Err(MapError::Missing { .. })
        ));
    }

    #[test]
    fn projection_is_equirectangular_and_clamped() {
        assert_eq!(project(0.0, 0.0), (180.0, 90.0));
        assert_eq!(project(40.94, 34.46), (220.94, 55.54));
        assert_eq!(project(500.0, -100.0), (360.0, 180.0));
    }
}
