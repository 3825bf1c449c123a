//! What each tag on a Rule, Scenario or Examples block means, and which tags
//! the pack refuses. Unknown tags are errors: a typo such as `@lot01` would
//! otherwise silently move a requirement out of its lot.

use std::fmt;

/// How binding a requirement is (RFA's MUST / SHOULD / MAY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Must,
    Should,
    May,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Must => "must",
            Self::Should => "should",
            Self::May => "may",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a requirement is judged (DESIGN.md point 4; profile §39): the
/// catalogue counts requirements by route, and a test holds each tag to
/// what the reference run actually sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Route {
    /// `@route-national`: through a national interface: the GP Connect
    /// API the candidate serves (and its transport), or what the candidate
    /// sends the hosted national services when it calls them.
    National,
    /// `@route-readback`: a trigger or tester action (profile §37.1), its
    /// result judged through a national interface.
    Readback,
    /// `@route-extension`: through an interaction of the profile's
    /// extension (§39), because no national interface shows the result.
    Extension,
}

impl Route {
    pub const ALL: [Route; 3] = [Route::National, Route::Readback, Route::Extension];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Readback => "readback",
            Self::Extension => "extension",
        }
    }

    /// The tag that names it, without `@`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::National => "route-national",
            Self::Readback => "route-readback",
            Self::Extension => "route-extension",
        }
    }

    /// Judged through a national interface, directly or by read-back.
    pub fn is_national(self) -> bool {
        self != Self::Extension
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One tag, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    /// `@RFA-<AREA>-<NNN>`: the requirement ID; carries its area.
    Requirement {
        id: String,
        area: String,
    },
    /// `@lot1`, `@lot2`, `@lot3`.
    Lot(String),
    Level(Level),
    /// `@manual`: an assessor attests the requirement; the harness does not run it.
    Manual,
    /// `@serial`: the scenario changes shared state and must run alone.
    Serial,
    /// `@consumer`: the requirement tests the candidate as a client of
    /// national services the harness hosts (profile §37).
    Consumer,
    /// `@profile-decision`: the rule is stricter than GP Connect or the
    /// official provider suite (cited in docs/profile.md), so it may never
    /// be `@must` (DESIGN.md, "What decides the expected answer").
    ProfileDecision,
    /// `@route-national`, `@route-readback`, `@route-extension`.
    Route(Route),
}

/// Lots the GPSoC framework defines.
pub const LOTS: [&str; 3] = ["lot1", "lot2", "lot3"];

/// Classifies a tag (given without its `@`), or says why it is not allowed.
pub fn classify(tag: &str) -> Result<Tag, String> {
    if let Some(rest) = tag.strip_prefix("RFA-") {
        let mut parts = rest.splitn(2, '-');
        let area = parts.next().unwrap_or_default();
        let number = parts.next().unwrap_or_default();
        let area_ok = area.len() == 3 && area.bytes().all(|b| b.is_ascii_uppercase());
        let number_ok = number.len() == 3 && number.bytes().all(|b| b.is_ascii_digit());
        return if area_ok && number_ok {
            Ok(Tag::Requirement { id: tag.to_string(), area: area.to_string() })
        } else {
            Err(format!("`@{tag}` is not a requirement ID: IDs look like @RFA-<AREA>-<NNN>, e.g. @RFA-INF-001"))
        };
    }
    match tag {
        "must" => Ok(Tag::Level(Level::Must)),
        "should" => Ok(Tag::Level(Level::Should)),
        "may" => Ok(Tag::Level(Level::May)),
        "manual" => Ok(Tag::Manual),
        "serial" => Ok(Tag::Serial),
        "consumer" => Ok(Tag::Consumer),
        "profile-decision" => Ok(Tag::ProfileDecision),
        t if LOTS.contains(&t) => Ok(Tag::Lot(t.to_string())),
        t => match Route::ALL.into_iter().find(|r| r.tag() == t) {
            Some(r) => Ok(Tag::Route(r)),
            None => Err(format!(
                "unknown tag `@{t}`: allowed are @RFA-<AREA>-<NNN>, @lot1/@lot2/@lot3, @must/@should/@may, @manual, @serial, @consumer, @profile-decision and @route-national/@route-readback/@route-extension"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_pack_vocabulary() {
        assert_eq!(classify("RFA-INF-001"), Ok(Tag::Requirement { id: "RFA-INF-001".into(), area: "INF".into() }));
        assert_eq!(classify("lot2"), Ok(Tag::Lot("lot2".into())));
        assert_eq!(classify("should"), Ok(Tag::Level(Level::Should)));
        assert_eq!(classify("manual"), Ok(Tag::Manual));
        assert_eq!(classify("serial"), Ok(Tag::Serial));
        assert_eq!(classify("consumer"), Ok(Tag::Consumer));
        assert_eq!(classify("profile-decision"), Ok(Tag::ProfileDecision));
        assert_eq!(classify("route-readback"), Ok(Tag::Route(Route::Readback)));
    }

    #[test]
    fn refuses_near_misses() {
        for bad in [
            "route-Ext",
            "national",
            "RFA-INF-01",
            "RFA-inf-001",
            "RFA-INFO-001",
            "lot4",
            "MUST",
            "wip",
            "RFA-INF-001x",
        ] {
            assert!(classify(bad).is_err(), "{bad} should be refused");
        }
    }
}
