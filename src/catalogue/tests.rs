use super::*;
use pack::PackFile;

/// Accepts steps whose text starts with "ok".
struct OkSteps;

impl StepMatcher for OkSteps {
    fn check(&self, step: &gherkin::Step) -> Result<(), String> {
        if step.value.starts_with("ok") { Ok(()) } else { Err("no step definition matches".into()) }
    }
}

fn pack(files: &[(&str, &str)]) -> PackFiles {
    let mut all = vec![PackFile { path: "pack.toml".into(), text: "name = \"t\"\nversion = \"1\"\n".into() }];
    all.extend(files.iter().map(|(p, t)| PackFile { path: (*p).into(), text: (*t).into() }));
    PackFiles { display_root: "pk".into(), files: all }
}

fn problems(files: &[(&str, &str)]) -> Vec<String> {
    match Catalogue::load(&pack(files), &OkSteps) {
        Ok(_) => vec![],
        Err(e) => e.diagnostics.iter().map(ToString::to_string).collect(),
    }
}

const GOOD: &str = "\
Feature: Things

  @RFA-INF-001 @lot1 @must @route-national
  Rule: A thing works

    Scenario: plain
      Given ok one

    Scenario Outline: outline <n>
      Given ok <n>

      Examples:
        | n |
        | 1 |
        | 2 |

  @RFA-INF-002 @lot2 @should @manual
  Rule: An assessor checks the other thing

    Scenario: looked at by a person
      Given anything at all
";

#[test]
fn loads_requirements_with_expanded_outlines() {
    let c = Catalogue::load(&pack(&[("INF/things.feature", GOOD)]), &OkSteps).expect("valid");
    assert_eq!(c.requirements.len(), 2);
    let r = &c.requirements[0];
    assert_eq!((r.id.as_str(), r.area.as_str(), r.lot.as_str(), r.level), ("RFA-INF-001", "INF", "lot1", Level::Must));
    assert_eq!(r.title, "A thing works");
    assert_eq!(r.line, 4);
    let names: Vec<_> = r.scenarios.iter().map(|s| (s.name.as_str(), s.key.line)).collect();
    assert_eq!(names, [("plain", 6), ("outline 1", 14), ("outline 2", 15)]);
    assert_eq!(
        c.requirement_of(&ScenarioKey { file: "INF/things.feature".into(), line: 15 }).map(|r| r.id.as_str()),
        Some("RFA-INF-001")
    );
    let manual = &c.requirements[1];
    assert!(manual.manual, "manual steps need no definitions");
    assert_eq!(manual.tags, ["RFA-INF-002", "lot2", "should", "manual"]);
    assert_eq!(c.scenario_count(), 4);
    assert!(c.pack.digest.starts_with("sha256:"));
}

#[test]
fn rule_without_id_names_file_and_line() {
    let text = "Feature: F\n\n  @lot1 @must @route-national\n  Rule: nameless\n    Scenario: s\n      Given ok\n";
    assert_eq!(
        problems(&[("INF/f.feature", text)]),
        [
            "pk/INF/f.feature:4: Rule \"nameless\" has no requirement ID tag: tag it like `@RFA-INF-001 @lot1 @must @route-national`"
        ]
    );
}

#[test]
fn duplicate_ids_point_at_both_places() {
    let a = "Feature: A\n  @RFA-INF-001 @lot1 @must @route-national\n  Rule: one\n    Scenario: s\n      Given ok\n";
    let b =
        "Feature: B\n\n\n  @RFA-INF-001 @lot1 @must @route-national\n  Rule: two\n    Scenario: s\n      Given ok\n";
    assert_eq!(
        problems(&[("INF/a.feature", a), ("INF/b.feature", b)]),
        ["pk/INF/b.feature:5: duplicate requirement ID @RFA-INF-001: also at pk/INF/a.feature:3"]
    );
}

#[test]
fn unknown_tag_is_reported_on_its_own_line() {
    let text =
        "Feature: F\n  @RFA-INF-001\n  @lot1 @must @wip @route-national\n  Rule: r\n    Scenario: s\n      Given ok\n";
    let p = problems(&[("INF/f.feature", text)]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("pk/INF/f.feature:3: unknown tag `@wip`"), "{p:?}");
}

#[test]
fn scenario_outside_rule_and_scenario_level_requirement_tags_are_refused() {
    let text = "Feature: F\n  Scenario: loose\n    Given ok\n\n  @RFA-INF-001 @lot1 @must @route-national\n  Rule: r\n    @must\n    Scenario: s\n      Given ok\n";
    let p = problems(&[("INF/f.feature", text)]);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].starts_with("pk/INF/f.feature:2: Scenario \"loose\" is outside a Rule"), "{p:?}");
    assert!(p[1].starts_with("pk/INF/f.feature:7: `@must` is on a scenario"), "{p:?}");
}

#[test]
fn missing_step_definitions_are_reported_once_per_step() {
    let text = "Feature: F\n  @RFA-INF-001 @lot1 @must @route-national\n  Rule: r\n    Scenario Outline: s\n      Given nothing <x>\n      Examples:\n        | x |\n        | 1 |\n        | 1 |\n";
    assert_eq!(
        problems(&[("INF/f.feature", text)]),
        ["pk/INF/f.feature:5: step \"Given nothing 1\": no step definition matches"]
    );
}

#[test]
fn area_must_match_directory_and_files_live_in_area_directories() {
    let text = "Feature: F\n  @RFA-ACC-001 @lot1 @must @route-national\n  Rule: r\n    Scenario: s\n      Given ok\n";
    let loose = text.replace("RFA-ACC-001", "RFA-ACC-002");
    let p = problems(&[("INF/f.feature", text), ("loose.feature", &loose)]);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p.iter().any(|l| l.contains("pk/INF/f.feature:3: @RFA-ACC-001 is an ACC requirement but lives in INF/")),
        "{p:?}"
    );
    assert!(p.iter().any(|l| l.starts_with("pk/loose.feature: is not at <AREA>/<topic>.feature")), "{p:?}");
}

#[test]
fn syntax_errors_carry_a_line() {
    let text = "Feature: F\n  @RFA-INF-001 @lot1 @must @route-national\n  Rule: r\n    Scenario: s\n      Given ok\n        | a | b |\n        | c |\n";
    let p = problems(&[("INF/f.feature", text)]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("pk/INF/f.feature:"), "{p:?}");
    assert!(p[0].contains("not valid Gherkin"), "{p:?}");
}

#[test]
fn a_misspelt_scenario_keyword_leaves_an_empty_rule() {
    let text = "Feature: F\n  @RFA-INF-001 @lot1 @must @route-national\n  Rule: r\n    Scenari: s\n      Given ok\n";
    let p = problems(&[("INF/f.feature", text)]);
    assert_eq!(
        p,
        [
            "pk/INF/f.feature:3: Rule RFA-INF-001 has no scenarios (a misspelt `Scenario:` keyword reads as description text; an Examples table with no rows runs nothing)"
        ]
    );
}

#[test]
fn missing_lot_level_and_route_are_all_reported() {
    let text = "Feature: F\n  @RFA-INF-001\n  Rule: r\n    Scenario: s\n      Given ok\n";
    let p = problems(&[("INF/f.feature", text)]);
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p[2].contains("no route tag"), "{p:?}");
}

#[test]
fn one_route_on_an_automated_rule_none_on_a_manual_one() {
    let rule = |tags: &str| {
        format!("Feature: F\n  @RFA-INF-001 @lot1 @must {tags}\n  Rule: r\n    Scenario: s\n      Given ok\n")
    };
    let p = problems(&[("INF/f.feature", &rule("@route-national @route-extension"))]);
    assert!(p.len() == 1 && p[0].contains("more than one route tag"), "{p:?}");
    let p = problems(&[("INF/f.feature", &rule("@manual @route-readback"))]);
    assert!(p.len() == 1 && p[0].contains("takes no @route"), "{p:?}");
    assert!(problems(&[("INF/f.feature", &rule("@manual"))]).is_empty());
    assert!(problems(&[("INF/f.feature", &rule("@route-readback"))]).is_empty());
}

#[test]
fn a_profile_decision_may_not_be_must() {
    let rule = |level: &str| {
        format!(
            "Feature: F\n  @RFA-INF-001 @lot1 @{level} @profile-decision @route-national\n  Rule: r\n    Scenario: s\n      Given ok\n"
        )
    };
    let p = problems(&[("INF/f.feature", &rule("must"))]);
    assert!(p.len() == 1 && p[0].contains("profile-decision") && p[0].contains("never @must"), "{p:?}");
    assert!(problems(&[("INF/f.feature", &rule("should"))]).is_empty());
}

#[test]
fn missing_manifest_is_an_error() {
    let files = PackFiles { display_root: "pk".into(), files: vec![] };
    let e = Catalogue::load(&files, &OkSteps).expect_err("no manifest");
    assert!(e.to_string().contains("pk/pack.toml: is missing"), "{e}");
}

#[test]
fn manifest_typo_names_the_line() {
    let files = PackFiles {
        display_root: "pk".into(),
        files: vec![PackFile { path: "pack.toml".into(), text: "name = \"t\"\nverison = \"1\"\n".into() }],
    };
    let e = Catalogue::load(&files, &OkSteps).expect_err("typo");
    assert_eq!(e.diagnostics[0].line, Some(2), "{e}");
    assert!(e.to_string().contains("verison"), "{e}");
}

#[test]
fn hostile_feature_text_is_a_diagnostic_never_a_panic() {
    let long = "x".repeat(100_000);
    let nasty: Vec<String> = vec![
        String::new(),
        "@RFA-INF-001 @lot1 @must".into(),
        "\u{feff}Feature: BOM\n  @RFA-INF-001 @lot1 @must @route-national\n  Rule: r\n    Scenario: s\n      Given ok\n".into(),
        "Feature: CRLF\r\n  @RFA-INF-001 @lot1 @must @route-national\r\n  Rule: r\r\n    Scenario: s\r\n      Given ok\r\n".into(),
        "Feature: F\n  Rule: r\n    Scenario: s\n      Given ok\n      \"\"\"\n      never closed\n".into(),
        "Feature: F\n\0\0\0\n".into(),
        format!("Feature: {long}\n"),
        "Feature: F\n  @RFA-INF-001 @lot1 @must @route-national\n  Rule: r\n    Scenario Outline: <a> <b>\n      Given ok <c>\n      Examples:\n        | a |\n        | 1 |\n".into(),
        "Feature: F\n  @\n  Rule: r\n".into(),
        "# language: xx\nFeature: F\n".into(),
        "Feature: F\n  Background:\n    Given ok\n  Background:\n    Given ok\n".into(),
    ];
    for text in &nasty {
        let result = std::panic::catch_unwind(|| Catalogue::load(&pack(&[("INF/f.feature", text)]), &OkSteps));
        assert!(result.is_ok(), "panicked on {:?}", text.chars().take(60).collect::<String>());
    }
}

#[test]
fn an_extension_requirement_needs_its_files_reason_and_a_reason_needs_one() {
    let rule = |route: &str| {
        format!("Feature: F\n  @RFA-INF-001 @lot1 @must @route-{route}\n  Rule: r\n    Scenario: s\n      Given ok\n")
    };
    let with = |manifest: &str, route: &str| {
        let mut files = pack(&[("INF/f.feature", &rule(route))]);
        files.files[0].text = format!("name = \"t\"\nversion = \"1\"\n{manifest}");
        match Catalogue::load(&files, &OkSteps) {
            Ok(c) => Ok(c.requirements.first().and_then(|r| c.extension_reason(r)).map(str::to_string)),
            Err(e) => Err(e.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>()),
        }
    };
    let p = with("", "extension").expect_err("no reason");
    assert!(p.len() == 1 && p[0].contains("gives no reason for INF/f.feature"), "{p:?}");
    let reason = "[extension]\n\"INF/f.feature\" = \"No national route: because.\"\n";
    assert_eq!(with(reason, "extension"), Ok(Some("No national route: because.".to_string())));
    let p = with(reason, "national").expect_err("stale reason");
    assert!(p.len() == 1 && p[0].contains("has no @route-extension requirement"), "{p:?}");
    assert_eq!(with("", "readback"), Ok(None));
}
