Feature: Practice finance: claims for services provided
  A practice claims payment for services it has provided and recorded,
  item by item, as a FHIR Claim (profile §31): each item names a service
  of the fee schedule (fixtures/fee-schedule.json), the recorded Encounter
  it was provided at and its date, the quantity, the schedule's fee in GBP
  and its net; the total is the sum of the nets. A service is paid once.
  Each scenario records its own Encounter (the REC steps) in patient20, so
  a candidate that kept earlier runs' claims is not asked to pay twice.

  @RFA-FIN-001 @lot2 @must @route-extension
  Rule: A claim for a service recorded in the patient's record is accepted 201 with a Location and the Claim as sent, active

    Scenario Outline: <service>
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "<service>" at the encounter "visit"
      When the request is sent
      Then the claim is accepted as "claim"
      And the claim "claim" is as it was sent

      Examples:
        | service                  |
        | flu-vaccination          |
        | minor-surgery            |

    Scenario: two services at one encounter
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the claim also claims "pneumococcal-vaccination" at the encounter "visit"
      When the request is sent
      Then the claim is accepted as "claim"
      And the claim "claim" is as it was sent

  @RFA-FIN-002 @lot2 @must @route-extension
  Rule: Every item must name an encounter recorded in the claim's patient's record: otherwise 422 INVALID_RESOURCE

    Scenario: an encounter nobody recorded
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the claim's encounter id is "no-such-encounter"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: another patient's encounter
      Given an Encounter "theirs" recorded for "patient10"
      And a claim for "patient20" of "flu-vaccination" at the encounter "theirs"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-FIN-003 @lot2 @must @route-extension
  Rule: A service already claimed is not paid again: 409 DUPLICATE_REJECTED, from another claim or twice in one

    Scenario: claimed again
      Given an Encounter "visit" recorded for "patient20"
      And a claim "first" made for "patient20" of "flu-vaccination" at the encounter "visit"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"
      And nothing was stored

    Scenario: claimed again among other items
      Given an Encounter "visit" recorded for "patient20"
      And an Encounter "later" recorded for "patient20"
      And a claim "first" made for "patient20" of "minor-surgery" at the encounter "visit"
      And a claim for "patient20" of "flu-vaccination" at the encounter "later"
      And the claim also claims "minor-surgery" at the encounter "visit"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"
      And nothing was stored

    Scenario: twice in one claim
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "shingles-vaccination" at the encounter "visit"
      And the claim also claims "shingles-vaccination" at the encounter "visit"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"
      And nothing was stored

  @RFA-FIN-004 @lot2 @must @route-extension
  Rule: An item's net is its quantity times its unit price: otherwise 422 INVALID_RESOURCE

    Scenario Outline: a net of £<net>
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the claim's net is "<net>"
      And the claim's total is "<net>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | net   |
        | 20.12 |
        | 10.07 |

  @RFA-FIN-005 @lot2 @must @route-extension
  Rule: A claim's total is the sum of its items' nets: otherwise 422 INVALID_RESOURCE

    Scenario Outline: a total of £<total>
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the claim also claims "pneumococcal-vaccination" at the encounter "visit"
      And the claim's total is "<total>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | total |
        | 10.06 |
        | 20.13 |

  @RFA-FIN-006 @lot2 @must @route-extension
  Rule: A service is paid the fee schedule's fee, in GBP: another price, currency or a service not on the schedule is refused with 422 INVALID_RESOURCE

    Scenario: another price
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "minor-surgery" at the encounter "visit"
      And the claim's unit price is "120.00"
      And the claim's net is "120.00"
      And the claim's total is "120.00"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: another currency
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the claim's currency is "EUR"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: a service not on the schedule
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the claim's service code is "cosmetic-botox"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-FIN-007 @lot2 @must @route-extension
  Rule: A patient's claims are listed, with their totals

    Scenario: one item
      Given an Encounter "visit" recorded for "patient20"
      And a claim "claim" made for "patient20" of "minor-surgery" at the encounter "visit"
      And a search for the claims of "patient20" with the identifier of "claim"
      When the request is sent
      Then the Bundle holds the claim "claim" totalling "93.50"

  @RFA-FIN-008 @lot2 @must @route-extension
  Rule: A claim for a patient who is not registered here is refused with 422 INVALID_RESOURCE; a patient-scoped token cannot claim: 403 ACCESS DENIED

    Scenario: a patient not registered here
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the claim's patient id is "no-such-patient"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: the patient claiming
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the patient "patient20" is signed in
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

  @RFA-FIN-009 @lot2 @must @route-extension
  Rule: An item's service date is the date of the encounter recorded, never in the future: otherwise 422 INVALID_RESOURCE

    Scenario Outline: serviced <date>
      Given an Encounter "visit" recorded for "patient20"
      And a claim for "patient20" of "flu-vaccination" at the encounter "visit"
      And the claim's service date is "<date>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | date       |
        | {today}    |
        | {today+1}  |
        | 2001-06-02 |
