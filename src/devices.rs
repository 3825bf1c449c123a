//! Home-monitoring devices and what they measure (DEV, profile §33): the
//! device types a practice registers for a patient, the readings each may
//! send, their UCUM units and the range a real reading falls in. Shared by
//! the reference (which enforces it) and the steps (which build readings).
//!
//! Codes are SNOMED CT, each seen with its display in public NHS England,
//! HL7 UK Core or HL7 vital-signs specifications (fixtures/README.md).

/// One kind of device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// As the feature files name it.
    pub name: &'static str,
    pub code: &'static str,
    pub display: &'static str,
    /// The readings (observable codes) it sends.
    pub measures: &'static [&'static str],
}

pub const KINDS: &[Kind] = &[
    Kind {
        name: "blood pressure monitor",
        code: "466086009",
        display: "Automatic-inflation electronic sphygmomanometer, portable, arm/wrist",
        measures: &[BLOOD_PRESSURE],
    },
    Kind { name: "pulse oximeter", code: "448703006", display: "Pulse oximeter", measures: &["431314004"] },
    Kind { name: "peak flow meter", code: "334990001", display: "Peak flow meter", measures: &["18491006"] },
    Kind { name: "weighing scale", code: "469204003", display: "Floor scale, electronic", measures: &["27113001"] },
];

pub const BLOOD_PRESSURE: &str = "75367002";
pub const SYSTOLIC: &str = "271649006";
pub const DIASTOLIC: &str = "271650006";

/// The identifier system of a device's serial number (profile decision).
pub const SERIAL_SYSTEM: &str = "https://rfa-harness.dev/Id/device-serial";

/// One kind of reading: its code, unit, and the range a real one falls in
/// (in that unit; a reading in another unit of the same dimension is
/// converted first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// As the feature files name it.
    pub name: &'static str,
    pub code: &'static str,
    pub display: &'static str,
    pub unit: &'static str,
    pub range: (f64, f64),
}

pub const MEASURES: &[Measure] = &[
    Measure {
        name: "systolic",
        code: SYSTOLIC,
        display: "Systolic blood pressure",
        unit: "mm[Hg]",
        range: (50.0, 300.0),
    },
    Measure {
        name: "diastolic",
        code: DIASTOLIC,
        display: "Diastolic blood pressure",
        unit: "mm[Hg]",
        range: (20.0, 200.0),
    },
    Measure { name: "body weight", code: "27113001", display: "Body weight", unit: "kg", range: (0.5, 400.0) },
    Measure {
        name: "oxygen saturation",
        code: "431314004",
        display: "Peripheral oxygen saturation",
        unit: "%",
        range: (50.0, 100.0),
    },
    Measure {
        name: "peak expiratory flow",
        code: "18491006",
        display: "Peak expiratory flow rate",
        unit: "L/min",
        range: (30.0, 1000.0),
    },
];

pub fn kind_by_name(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

pub fn kind_by_code(code: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.code == code)
}

pub fn measure_by_name(name: &str) -> Option<&'static Measure> {
    MEASURES.iter().find(|m| m.name == name)
}

pub fn measure_by_code(code: &str) -> Option<&'static Measure> {
    MEASURES.iter().find(|m| m.code == code)
}

/// Why a value is not a plausible reading of `m`, if it is not: converted
/// to the measure's unit (`unit` must already be of the same dimension).
pub fn implausible(m: &Measure, value: f64, unit: &str) -> Option<String> {
    let v = if unit == m.unit { value } else { ucum::convert(value, unit, m.unit).ok()? };
    let (lo, hi) = m.range;
    (!(lo..=hi).contains(&v)).then(|| {
        format!("{value} {unit} is not a plausible {} (a real one is {lo}–{hi} {})", m.display.to_lowercase(), m.unit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_a_well_formed_snomed_id() {
        for k in KINDS {
            assert_eq!(crate::terminology::check_concept_id(k.code), Ok(()), "{}", k.name);
            for m in k.measures {
                assert_eq!(crate::terminology::check_concept_id(m), Ok(()), "{m}");
            }
        }
        for m in MEASURES {
            assert_eq!(crate::terminology::check_concept_id(m.code), Ok(()), "{}", m.name);
            assert_eq!(crate::terminology::check_ucum(m.unit), Ok(()), "{}", m.unit);
        }
    }

    #[test]
    fn plausibility_converts_units_first() {
        let weight = measure_by_name("body weight").expect("weight");
        assert_eq!(implausible(weight, 72.5, "kg"), None);
        assert_eq!(implausible(weight, 160.0, "[lb_av]"), None, "160 lb is 72.6 kg");
        assert!(implausible(weight, 0.0, "kg").is_some());
        assert!(implausible(weight, 900.0, "kg").is_some());
        let spo2 = measure_by_name("oxygen saturation").expect("spo2");
        assert!(implausible(spo2, 120.0, "%").is_some());
        assert_eq!(implausible(spo2, 85.0, "%"), None);
    }
}
