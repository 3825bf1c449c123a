Feature: Electronic prescribing: issuing a prescription
  The practice prescribes a dm+d product as a MedicationRequest (profile
  §28): the medicine, the dosage as the label reads and as a structured
  dose, the quantity in the product's unit of presentation, the prescriber
  by SDS user id and, if the patient has one, the nominated dispenser. The
  candidate issues it through EPS: it answers the prescription with an EPS
  short-form prescription ID (three blocks of six characters, the last an
  ISO/IEC 7064 MOD 37-2 check character) and an identifier for the item.
  Medicines are named by their display in the test data's terminology
  (fixtures/terminology.json); patient1 has no clinical data, so no alert
  interferes.

  @RFA-EPS-001 @lot1 @must @route-extension
  Rule: A prescription is issued 201 with a Location and the MedicationRequest as sent: intent order, status active, the medicine, patient, prescriber, dosage and quantity

    Scenario Outline: <medicine>
      Given a prescription for "patient1" of "<medicine>"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" is as it was sent

      Examples:
        | medicine                              |
        | Amoxicillin 500mg capsules            |
        | Paracetamol 500mg tablets             |
        | Amoxicillin 250mg/5ml oral suspension |
        | Cetirizine 10mg tablets               |

  @RFA-EPS-002 @lot1 @must @route-extension
  Rule: The prescription carries an EPS short-form prescription ID with a valid MOD 37-2 check character, and its item a UUID

    Scenario Outline: <medicine>
      Given a prescription for "patient1" of "<medicine>"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" has a valid short-form prescription ID

      Examples:
        | medicine                   |
        | Amoxicillin 500mg capsules |
        | Ibuprofen 400mg tablets    |
        | Codeine 30mg tablets       |

  @RFA-EPS-003 @lot1 @must @route-extension
  Rule: The short-form ID's middle block is the prescribing practice's ODS code, zero-padded to six characters

    Scenario: an acute prescription
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      When the request is sent
      Then the prescription is issued as "rx"
      And the short-form ID of "rx" carries the practice's ODS code

    Scenario: a repeat
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat
      When the request is sent
      Then the prescription is issued as "rx"
      And the short-form ID of "rx" carries the practice's ODS code

  @RFA-EPS-004 @lot1 @must @route-extension
  Rule: Every prescription gets its own id, short-form ID and item identifier

    Scenario: two prescriptions for one patient
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      When the request is sent
      Then the prescription is issued as "first"
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      When the request is sent
      Then the prescription is issued as "second"
      And the prescriptions "first" and "second" have different IDs

    Scenario: prescriptions for two patients
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      When the request is sent
      Then the prescription is issued as "first"
      Given a prescription for "patient6" of "Cetirizine 10mg tablets"
      When the request is sent
      Then the prescription is issued as "second"
      And the prescriptions "first" and "second" have different IDs

  @RFA-EPS-005 @lot1 @must @route-extension
  Rule: An issued prescription can be read back, and is among the patient's prescriptions

    Scenario: read back
      Given "patient1" has been prescribed "Amoxicillin 500mg capsules" as "rx"
      And a read of the prescription "rx"
      When the request is sent
      Then the response is the prescription "rx"

    Scenario: found by patient
      Given "patient1" has been prescribed "Amoxicillin 500mg capsules" as "rx"
      And a search for the prescriptions of "patient1" with the item identifier of "rx"
      When the request is sent
      Then the Bundle holds the prescription "rx"

  @RFA-EPS-006 @lot1 @must @route-extension
  Rule: The prescription is stamped with when it was issued (authoredOn) and keeps its prescriber

    Scenario Outline: prescribed by <prescriber>
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's prescriber is "<sds>"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" was authored just now by the prescriber

      Examples:
        | prescriber    | sds                  |
        | practitioner1 | {sds:practitioner1}  |
        | practitioner2 | {sds:practitioner2}  |

  @RFA-EPS-007 @lot1 @must @route-extension
  Rule: A prescription without dosage text (the label's instructions) is refused with 422 INVALID_RESOURCE

    Scenario: no dosage text
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription has no dosage text
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: blank dosage text
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's dosage text is "   "
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: no dosage at all
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription has no dosage
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-EPS-008 @lot1 @must @route-extension
  Rule: A prescription without a structured dose (dose quantity and timing) is refused with 422 INVALID_RESOURCE

    Scenario: text only
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription has no dose
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario Outline: a <field> of <value>
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's <field> is "<value>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | field     | value |
        | dose      | 0     |
        | frequency | 0     |

  @RFA-EPS-009 @lot1 @must @route-extension
  Rule: A prescription without a positive quantity is refused with 422 INVALID_RESOURCE

    Scenario: no quantity
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription has no quantity
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario Outline: a quantity of <quantity>
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription's quantity is "<quantity>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | quantity |
        | 0        |
        | -28      |

  @RFA-EPS-010 @lot1 @must @route-extension
  Rule: The quantity is counted in the product's unit of presentation: any other unit is refused with 422 INVALID_RESOURCE

    Scenario Outline: <medicine> in <unit>
      Given a prescription for "patient1" of "<medicine>"
      And the prescription's quantity unit is "<unit>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | medicine                              | unit    |
        | Amoxicillin 500mg capsules            | tablet  |
        | Paracetamol 500mg tablets             | capsule |
        | Amoxicillin 250mg/5ml oral suspension | tablet  |

  @RFA-EPS-011 @lot1 @must @route-extension
  Rule: The prescriber must be a practitioner the candidate holds, named by SDS user id: otherwise 422 INVALID_RESOURCE

    Scenario: no prescriber
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription has no prescriber
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: an SDS user id nobody has
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's prescriber is "{sds:practitionerNotInSystem}"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: not an SDS user id
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's prescriber system is "https://fhir.nhs.uk/Id/gmc-number"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-EPS-012 @lot1 @must @route-extension
  Rule: A nominated dispenser is named by its ODS code and kept with the prescription; a malformed one is refused with 422 INVALID_RESOURCE

    Scenario: nominated to a pharmacy
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's nominated pharmacy is "FA565"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" nominates "FA565"

    Scenario Outline: nominated to "<code>"
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's nominated pharmacy is "<code>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | code             |
        | fa565            |
        | F!565            |
        |                  |
        | FA565FA565FA565  |
