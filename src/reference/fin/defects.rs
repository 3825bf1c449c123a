//! The ways the reference can break finance claims: the defects whose
//! behaviour lives in this area's handlers, declared beside them. Each
//! names the requirement(s) it must make fail (some in other areas, where a
//! check made here is what those requirements judge).

crate::reference::defect::defects! {
    FinDefect {
        KeepsRefusedClaim = "keeps-refused-claim" ["RFA-FIN-002", "RFA-FIN-003", "RFA-FIN-004", "RFA-FIN-005", "RFA-FIN-006", "RFA-FIN-009"]
            "writes a claim before checking it, and keeps it when the check refuses it";
        ClaimDropsItems = "claim-drops-items" ["RFA-FIN-001"]
            "answers a new claim without its items";
        ClaimsUnrecordedService = "claims-unrecorded-service" ["RFA-FIN-002"]
            "accepts claims for services that are not in the patient's record";
        AcceptsDuplicateClaims = "accepts-duplicate-claims" ["RFA-FIN-003"]
            "pays the same service twice";
        ItemNetUnchecked = "item-net-unchecked" ["RFA-FIN-004"]
            "does not check that an item's net is its quantity times its unit price";
        TotalUnchecked = "total-unchecked" ["RFA-FIN-005"]
            "does not check that a claim's total is the sum of its items";
        AnyFee = "any-fee" ["RFA-FIN-006"]
            "accepts any price, currency or service code instead of the fee schedule's";
        ClaimsNotListed = "claims-not-listed" ["RFA-FIN-007"]
            "does not list a patient's claims";
        ServiceDateUnchecked = "service-date-unchecked" ["RFA-FIN-009"]
            "accepts a service date that is not the date of the service recorded, or in the future";
    }
}
