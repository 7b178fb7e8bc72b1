//! The part of CBOR (RFC 8949) that VPQR needs, written the way `cborg` 1.x — the CBOR library inside the deployed
//! VPQR decoder — writes it, so that Carnet's bytes are the bytes its encoder would make: shortest heads, definite
//! lengths, a number that is a safe integer as an integer and any other in the shortest float that keeps it, and
//! map entries sorted by key (major type first, then integers by value, strings by length and then bytes). The
//! reader accepts exactly that subset (no tags, no indefinite lengths) and nests at most [`MAX_DEPTH`] deep.

use std::cmp::Ordering;

use super::QrError;

/// How deep arrays and maps may nest in CBOR read by [`decode`]: far more than any presentation needs, and a
/// bound on the recursion a hostile input can cause.
pub(crate) const MAX_DEPTH: usize = 96;

/// One CBOR data item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cbor {
    /// Major type 0.
    Uint(u64),
    /// Major type 1: the value `-1 - n`.
    Neg(u64),
    /// Major type 2.
    Bytes(Vec<u8>),
    /// Major type 3.
    Text(String),
    /// Major type 4.
    Array(Vec<Cbor>),
    /// Major type 5, entries in the order they are written.
    Map(Vec<(Cbor, Cbor)>),
    /// Major type 7, a half, single or double precision float (written in the shortest exact width).
    Float(f64),
    /// `false` / `true`.
    Bool(bool),
    /// `null`.
    Null,
}

impl Cbor {
    /// The entry of a map under the integer key `key`.
    pub(crate) fn get_uint(entries: &[(Cbor, Cbor)], key: u64) -> Option<&Cbor> {
        entries
            .iter()
            .find(|(k, _)| matches!(k, Cbor::Uint(n) if *n == key))
            .map(|(_, v)| v)
    }
}

/// `item` as bytes, maps sorted as `cborg` sorts them.
pub(crate) fn encode(item: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    write(item, &mut out);
    out
}

fn head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    // The casts below are exact: each arm bounds `n` to the width it is written in.
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

fn write(item: &Cbor, out: &mut Vec<u8>) {
    match item {
        Cbor::Uint(n) => head(0, *n, out),
        Cbor::Neg(n) => head(1, *n, out),
        Cbor::Bytes(b) => {
            head(2, b.len() as u64, out);
            out.extend(b);
        }
        Cbor::Text(s) => {
            head(3, s.len() as u64, out);
            out.extend(s.as_bytes());
        }
        Cbor::Array(items) => {
            head(4, items.len() as u64, out);
            for i in items {
                write(i, out);
            }
        }
        Cbor::Map(entries) => {
            head(5, entries.len() as u64, out);
            let mut sorted: Vec<&(Cbor, Cbor)> = entries.iter().collect();
            sorted.sort_by(|a, b| key_order(&a.0, &b.0));
            for (k, v) in sorted {
                write(k, out);
                write(v, out);
            }
        }
        Cbor::Float(f) => write_float(*f, out),
        Cbor::Bool(false) => out.push(0xf4),
        Cbor::Bool(true) => out.push(0xf5),
        Cbor::Null => out.push(0xf6),
    }
}

/// `cborg`'s map sorter: by major type, then integers by value and strings or bytes by length, then bytewise.
fn key_order(a: &Cbor, b: &Cbor) -> Ordering {
    let major = |c: &Cbor| match c {
        Cbor::Uint(_) => 0,
        Cbor::Neg(_) => 1,
        Cbor::Bytes(_) => 2,
        Cbor::Text(_) => 3,
        Cbor::Array(_) => 4,
        Cbor::Map(_) => 5,
        Cbor::Float(_) | Cbor::Bool(_) | Cbor::Null => 7,
    };
    match (a, b) {
        (Cbor::Uint(x), Cbor::Uint(y)) | (Cbor::Neg(x), Cbor::Neg(y)) => x.cmp(y),
        (Cbor::Text(x), Cbor::Text(y)) => by_length_then_bytes(x.as_bytes(), y.as_bytes()),
        (Cbor::Bytes(x), Cbor::Bytes(y)) => by_length_then_bytes(x, y),
        _ => major(a).cmp(&major(b)),
    }
}

fn by_length_then_bytes(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A float in the shortest of half, single and double precision that gives it back exactly (`cborg`'s rule).
fn write_float(f: f64, out: &mut Vec<u8>) {
    if let Some(half) = to_half(f) {
        out.push(0xf9);
        out.extend(half.to_be_bytes());
        return;
    }
    let single = f as f32;
    if f64::from(single) == f {
        out.push(0xfa);
        out.extend(single.to_bits().to_be_bytes());
    } else {
        out.push(0xfb);
        out.extend(f.to_bits().to_be_bytes());
    }
}

/// The half-precision bits of `f` when `cborg` would write it as a half: its conversion through a single, which
/// keeps normal halves and, below them, only powers of two.
fn to_half(f: f64) -> Option<u16> {
    let single = f as f32;
    if f64::from(single) != f || !single.is_finite() || single == 0.0 {
        return None;
    }
    let bits = single.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exponent = ((bits >> 23) & 0xff) as i32 - 127;
    let mantissa = bits & 0x7f_ffff;
    let half = if (-14..=15).contains(&exponent) {
        if mantissa & 0x1fff != 0 {
            return None;
        }
        let e = ((exponent + 15) as u16) << 10;
        sign | e | (mantissa >> 13) as u16
    } else if (-24..-14).contains(&exponent) && mantissa == 0 {
        let m = 1u16 << (24 + exponent) as u32;
        sign | m
    } else {
        return None;
    };
    (half_to_f64(half) == f).then_some(half)
}

fn half_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((h >> 10) & 0x1f);
    let mantissa = f64::from(h & 0x3ff);
    match exponent {
        0 => sign * mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        e => sign * (1.0 + mantissa / 1024.0) * 2f64.powi(e - 15),
    }
}

/// The one CBOR item in `bytes`; trailing bytes, tags, indefinite lengths and undefined are refused.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cbor, QrError> {
    let mut reader = Reader { bytes, pos: 0 };
    let item = reader.item(0)?;
    if reader.pos != bytes.len() {
        return Err(malformed("trailing bytes after the CBOR item"));
    }
    Ok(item)
}

fn malformed(why: &str) -> QrError {
    QrError::Malformed(format!("bad CBOR: {why}"))
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], QrError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| malformed("truncated"))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn argument(&mut self, info: u8) -> Result<u64, QrError> {
        let width = match info {
            0..=23 => return Ok(u64::from(info)),
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            _ => return Err(malformed("indefinite length or reserved value")),
        };
        Ok(self
            .take(width)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// A length that the rest of the input can hold (each item takes at least a byte).
    fn length(&mut self, info: u8) -> Result<usize, QrError> {
        let n = self.argument(info)?;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= self.bytes.len() - self.pos)
            .ok_or_else(|| malformed("a length longer than the input"))
    }

    fn item(&mut self, depth: usize) -> Result<Cbor, QrError> {
        if depth > MAX_DEPTH {
            return Err(malformed("nested too deep"));
        }
        let first = *self.take(1)?.first().ok_or_else(|| malformed("truncated"))?;
        let (major, info) = (first >> 5, first & 0x1f);
        Ok(match major {
            0 => Cbor::Uint(self.argument(info)?),
            1 => Cbor::Neg(self.argument(info)?),
            2 => {
                let n = self.length(info)?;
                Cbor::Bytes(self.take(n)?.to_vec())
            }
            3 => {
                let n = self.length(info)?;
                let text = std::str::from_utf8(self.take(n)?).map_err(|_| malformed("text is not UTF-8"))?;
                Cbor::Text(text.to_owned())
            }
            4 => {
                let n = self.length(info)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Cbor::Array(items)
            }
            5 => {
                let n = self.length(info)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.item(depth + 1)?;
                    let v = self.item(depth + 1)?;
                    entries.push((k, v));
                }
                Cbor::Map(entries)
            }
            7 => match info {
                20 => Cbor::Bool(false),
                21 => Cbor::Bool(true),
                22 => Cbor::Null,
                25 => {
                    let b = self.take(2)?;
                    Cbor::Float(half_to_f64(u16::from_be_bytes([b[0], b[1]])))
                }
                26 => {
                    let b = self.take(4)?;
                    Cbor::Float(f64::from(f32::from_be_bytes([b[0], b[1], b[2], b[3]])))
                }
                27 => {
                    let b = self.take(8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    Cbor::Float(f64::from_be_bytes(a))
                }
                _ => return Err(malformed("unsupported simple value")),
            },
            _ => return Err(malformed("tags are not used by VPQR")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn heads_are_shortest_and_maps_sorted_like_cborg() {
        // RFC 8949 appendix A values.
        assert_eq!(hex(&encode(&Cbor::Uint(23))), "17");
        assert_eq!(hex(&encode(&Cbor::Uint(24))), "1818");
        assert_eq!(hex(&encode(&Cbor::Uint(1000))), "1903e8");
        assert_eq!(hex(&encode(&Cbor::Uint(1_000_000))), "1a000f4240");
        assert_eq!(hex(&encode(&Cbor::Neg(99))), "3863");
        assert_eq!(hex(&encode(&Cbor::Float(1.5))), "f93e00");
        assert_eq!(hex(&encode(&Cbor::Float(100_000.5))), "fa47c35040");
        assert_eq!(hex(&encode(&Cbor::Float(1.1))), "fb3ff199999999999a");
        assert_eq!(hex(&encode(&Cbor::Float(5.960_464_477_539_063e-8))), "f90001");
        let map = Cbor::Map(vec![
            (Cbor::Uint(300), Cbor::Null),
            (Cbor::Uint(2), Cbor::Bool(true)),
            (Cbor::Uint(101), Cbor::Bool(false)),
        ]);
        assert_eq!(hex(&encode(&map)), "a302f51865f419012cf6");
        let texts = Cbor::Map(vec![
            (Cbor::Text("bb".into()), Cbor::Null),
            (Cbor::Text("c".into()), Cbor::Null),
            (Cbor::Text("ab".into()), Cbor::Null),
        ]);
        assert_eq!(hex(&encode(&texts)), "a36163f6626162f6626262f6");
    }

    #[test]
    fn what_is_written_reads_back() {
        let item = Cbor::Array(vec![
            Cbor::Uint(u64::MAX),
            Cbor::Neg(7),
            Cbor::Bytes(vec![0x7a, 1, 2]),
            Cbor::Text("é".into()),
            Cbor::Map(vec![(Cbor::Uint(4), Cbor::Float(-0.25))]),
            Cbor::Float(1.0e300),
            Cbor::Null,
        ]);
        assert_eq!(decode(&encode(&item)).unwrap(), item);
    }

    #[test]
    fn hostile_cbor_is_an_error_not_a_panic() {
        for bad in [
            &b""[..],
            &[0x18],                         // truncated argument
            &[0x5a, 0xff, 0xff, 0xff, 0xff], // a length beyond the input
            &[0x9f, 0xff],                   // indefinite array
            &[0xc0, 0x00],                   // a tag
            &[0x01, 0x02],                   // trailing byte
            &[0x62, 0xff, 0xfe],             // not UTF-8
        ] {
            assert!(decode(bad).is_err(), "{bad:02x?}");
        }
        let deep = [vec![0x81u8; MAX_DEPTH + 2], vec![0x00]].concat();
        assert!(matches!(decode(&deep), Err(QrError::Malformed(_))));
    }
}
