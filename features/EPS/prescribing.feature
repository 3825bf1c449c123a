Feature: Electronic prescribing: issuing a prescription
  The practice prescribes a dm+d product through EPS (profile §28): the
  candidate is asked, as its prescriber would ask it (trigger action
  `issue-prescription`, or the tester), to issue a prescription of the
  medicine, with the dosage as the label reads and as a structured dose,
  the quantity in the product's unit of presentation, the prescriber by SDS
  user id and, if the patient has one, the nominated dispenser. What it
  issues is judged on the prescription-order message it sends the hosted
  EPS (EPS FHIR R4): an EPS short-form prescription ID (three blocks of
  six characters, the last an ISO/IEC 7064 MOD 37-2 check character), an
  item identifier, and what was prescribed. A prescription it must not
  issue it declines, and sends EPS nothing. Medicines are named by their
  display in the test data's terminology (fixtures/terminology.json);
  patient1 has no clinical data, so no alert interferes.

  @RFA-EPS-001 @lot1 @must @route-readback
  Rule: An issued prescription reaches EPS as a prescription order holding what was prescribed: status active, the medicine in dm+d, the patient, the prescriber, the dosage and the quantity

    Scenario Outline: <medicine>
      Given a prescription for "patient1" of "<medicine>"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is as prescribed

      Examples:
        | medicine                              |
        | Amoxicillin 500mg capsules            |
        | Paracetamol 500mg tablets             |
        | Amoxicillin 250mg/5ml oral suspension |
        | Cetirizine 10mg tablets               |

  @RFA-EPS-002 @lot1 @must @route-readback
  Rule: The order carries an EPS short-form prescription ID with a valid MOD 37-2 check character, and its item and long-form ID are UUIDs

    Scenario Outline: <medicine>
      Given a prescription for "patient1" of "<medicine>"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the prescription ID of "rx" is well-formed
      And the EPS order for "rx" identifies its item by a UUID

      Examples:
        | medicine                   |
        | Amoxicillin 500mg capsules |
        | Ibuprofen 400mg tablets    |
        | Codeine 30mg tablets       |

  @RFA-EPS-003 @lot1 @must @route-readback
  Rule: The short-form ID's middle block is the prescribing practice's ODS code, zero-padded to six characters

    Scenario: an acute prescription
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the prescription ID of "rx" carries the practice's ODS code

    Scenario: a repeat
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the prescription ID of "rx" carries the practice's ODS code

  @RFA-EPS-004 @lot1 @must @route-readback
  Rule: Every prescription gets its own id, short-form ID and item identifier

    Scenario: two prescriptions for one patient
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "first"
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "second"
      And the EPS orders for "first" and "second" have different prescription IDs and items

    Scenario: prescriptions for two patients
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "first"
      Given a prescription for "patient6" of "Cetirizine 10mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "second"
      And the EPS orders for "first" and "second" have different prescription IDs and items

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

  @RFA-EPS-006 @lot1 @must @route-readback
  Rule: The order is stamped with when the prescription was issued (authoredOn) and names its prescriber

    Scenario Outline: prescribed by <prescriber>
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's prescriber is "<sds>"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" was authored just now by the prescriber

      Examples:
        | prescriber    | sds                  |
        | practitioner1 | {sds:practitioner1}  |
        | practitioner2 | {sds:practitioner2}  |

  @RFA-EPS-007 @lot1 @must @route-readback
  Rule: A prescription without dosage text (the label's instructions) is not issued: the candidate refuses it and sends EPS nothing

    Scenario: with dosage text, issued
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario: no dosage text
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription has no dosage text
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: blank dosage text
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's dosage text is "   "
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: no dosage at all
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription has no dosage
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-EPS-008 @lot1 @must @route-readback
  Rule: A prescription without a structured dose (dose quantity and timing) is not issued: the candidate refuses it and sends EPS nothing

    Scenario: with a structured dose, issued
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's dose is "2"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is as prescribed

    Scenario: text only
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription has no dose
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario Outline: a <field> of <value>
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's <field> is "<value>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | field     | value |
        | dose      | 0     |
        | frequency | 0     |

  @RFA-EPS-009 @lot1 @must @route-readback
  Rule: A prescription without a positive quantity is not issued: the candidate refuses it and sends EPS nothing

    Scenario: a quantity of 28, issued
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription's quantity is "28"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is as prescribed

    Scenario: no quantity
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription has no quantity
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario Outline: a quantity of <quantity>
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription's quantity is "<quantity>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | quantity |
        | 0        |
        | -28      |

  @RFA-EPS-010 @lot1 @must @route-readback
  Rule: The quantity is counted in the product's unit of presentation: a prescription in any other unit is not issued, and EPS is sent nothing

    Scenario: Amoxicillin 250mg/5ml oral suspension in ml, issued
      Given a prescription for "patient1" of "Amoxicillin 250mg/5ml oral suspension"
      And the prescription's quantity unit is "ml"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is as prescribed

    Scenario Outline: <medicine> in <unit>
      Given a prescription for "patient1" of "<medicine>"
      And the prescription's quantity unit is "<unit>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | medicine                              | unit    |
        | Amoxicillin 500mg capsules            | tablet  |
        | Paracetamol 500mg tablets             | capsule |
        | Amoxicillin 250mg/5ml oral suspension | tablet  |

  @RFA-EPS-011 @lot1 @must @route-readback
  Rule: The prescriber must be a practitioner the candidate holds, named by SDS user id: otherwise the prescription is not issued, and EPS is sent nothing

    Scenario: prescribed by practitioner2, issued
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's prescriber is "{sds:practitioner2}"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is as prescribed

    Scenario: no prescriber
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription has no prescriber
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: an SDS user id nobody has
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's prescriber is "{sds:practitionerNotInSystem}"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-EPS-012 @lot1 @must @route-readback
  Rule: A nominated dispenser reaches EPS as the order's performer, by ODS code; a prescription nominating a malformed one is not issued, and EPS is sent nothing

    Scenario: nominated to a pharmacy
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's nominated pharmacy is "FA565"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" nominates "FA565"

    Scenario Outline: nominated to "<code>"
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's nominated pharmacy is "<code>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | code             |
        | fa565            |
        | F!565            |
        |                  |
        | FA565FA565FA565  |
