//! Strict field validation against the recorded 400.

use charthouse_patch::Schema;
use charthouse_patch::validate::{self, FieldProblem};

use crate::util::fixture;

#[test]
fn unknown_field_message_matches_recorded_400() {
    let rec = fixture("field_validation_strict_400.json");
    assert!(
        rec["path"]
            .as_str()
            .unwrap()
            .ends_with("fieldValidation=Strict")
    );
    let ty = Schema::builtin().type_for("v1", "ConfigMap").unwrap();
    let problems = validate::unknown_fields(&rec["request"], ty);
    assert_eq!(problems, vec![FieldProblem::Unknown("bogus".into())]);
    assert_eq!(
        validate::strict_error_message("ConfigMap", "v1", &problems),
        rec["response"]["message"].as_str().unwrap()
    );
    let raw = serde_json::to_string(&rec["request"]).unwrap();
    assert!(validate::duplicate_fields(&raw).is_empty());
}
