Feature: Physical devices: readings from home-monitoring devices
  A practice issues home-monitoring devices to patients (blood pressure
  monitors, pulse oximeters, peak flow meters, weighing scales) and files
  their readings in the record (profile §33). A device is registered to
  one patient with its type and serial number; a reading is a vital-signs
  Observation that names its device, in UCUM units of the right kind, with
  a value a real reading can have, and is filed to that device's patient
  only. A reading a device resends is filed once.
  Each scenario registers its own devices for patient20, so a system that
  kept earlier runs' devices and readings is not confused by them.

  @RFA-DEV-001 @lot2 @must @route-extension
  Rule: A device is registered to a patient with its type and serial number, and reads back

    Scenario Outline: registering a <kind>
      Given a registration of a <kind> for "patient20"
      When the request is sent
      Then the device is registered

      Examples:
        | kind                   |
        | blood pressure monitor |
        | pulse oximeter         |
        | peak flow meter        |
        | weighing scale         |

    Scenario: a registered device reads back
      Given a pulse oximeter "oximeter" issued to "patient20"
      Then the device "oximeter" reads back as registered

    Scenario: a returned device reads back as inactive
      Given a weighing scale "old scale" issued to "patient20" and since returned
      Then the device "old scale" reads back as registered

  @RFA-DEV-002 @lot2 @must @route-extension
  Rule: A device that is not a supported device type, has no serial number or is for a patient not registered here is refused

    Scenario: a device type the practice does not support (a blood glucose meter)
      Given a registration of a pulse oximeter for "patient20"
      And the device's "type.coding.0.code" is "337414009"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Device.type"

    Scenario: an observable entity given as the device type
      Given a registration of a weighing scale for "patient20"
      And the device's "type.coding.0.code" is "27113001"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Device.type"

    Scenario: no serial number
      Given a registration of a peak flow meter for "patient20"
      And the device's "identifier" is absent
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Device.identifier"

    Scenario: a patient not registered here
      Given a registration of a blood pressure monitor for "patient20"
      And the device's "patient.reference" is "Patient/not-a-patient-here"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND" naming "Device.patient"

  @RFA-DEV-003 @lot2 @must @route-extension
  Rule: A reading from a registered device is filed as an Observation that names the device, and reads back as sent

    Scenario Outline: a <reading> reading
      Given a <device> "device" issued to "patient20"
      And a <reading> reading "reading" of "<value>" from "device"
      When the request is sent
      Then the entry is created
      And "reading" reads back from the device "device" with its values

      Examples:
        | device                 | reading              | value         |
        | blood pressure monitor | blood pressure       | 128/82 mm[Hg] |
        | weighing scale         | body weight          | 72.5 kg       |
        | pulse oximeter         | oxygen saturation    | 97 %          |
        | peak flow meter        | peak expiratory flow | 420 L/min     |

  @RFA-DEV-004 @lot2 @must @route-extension
  Rule: A reading's units are UCUM units of what it measures; another unit of the same kind is accepted

    Scenario: a weight in millimetres of mercury
      Given a weighing scale "scale" issued to "patient20"
      And a body weight reading "weight" of "72.5 mm[Hg]" from "scale"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.valueQuantity.code"
      And nothing was stored

    Scenario: a systolic pressure in kilograms
      Given a blood pressure monitor "monitor" issued to "patient20"
      And a blood pressure reading "bp" of "128/82 mm[Hg]" from "monitor"
      And the entry's "component.0.valueQuantity.code" is "kg"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.component.valueQuantity.code"
      And nothing was stored

    Scenario: a peak flow in litres (a volume, not a flow rate)
      Given a peak flow meter "meter" issued to "patient20"
      And a peak expiratory flow reading "pef" of "420 L" from "meter"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.valueQuantity.code"
      And nothing was stored

    Scenario: a weight in pounds is filed
      Given a weighing scale "scale" issued to "patient20"
      And a body weight reading "weight" of "160 [lb_av]" from "scale"
      When the request is sent
      Then the entry is created
      And "weight" reads back from the device "scale" with its values

  @RFA-DEV-005 @lot2 @must @route-extension
  Rule: A reading no real patient could have is refused

    Scenario Outline: <case>
      Given a <device> "device" issued to "patient20"
      And a <reading> reading "reading" of "<value>" from "device"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "<element>"
      And nothing was stored

      Examples:
        | case                            | device                 | reading           | value          | element                |
        | a weight of nothing             | weighing scale         | body weight       | 0 kg           | Observation.valueQuantity |
        | a weight of 900 kg              | weighing scale         | body weight       | 900 kg         | Observation.valueQuantity |
        | a saturation of 120 %           | pulse oximeter         | oxygen saturation | 120 %          | Observation.valueQuantity |
        | a systolic of 400               | blood pressure monitor | blood pressure    | 400/90 mm[Hg]  | Observation.component  |
        | a systolic below the diastolic  | blood pressure monitor | blood pressure    | 70/110 mm[Hg]  | Observation.component  |

    Scenario: a low but real saturation of 85 % is filed
      Given a pulse oximeter "oximeter" issued to "patient20"
      And a oxygen saturation reading "low" of "85 %" from "oximeter"
      When the request is sent
      Then the entry is created

  @RFA-DEV-006 @lot2 @must @route-extension
  Rule: A reading is filed only to the patient its device is issued to, from a device registered here and not returned

    Scenario: a reading for another patient
      Given a pulse oximeter "oximeter" issued to "patient20"
      And a oxygen saturation reading "reading" of "96 %" from "oximeter"
      And the entry is for "patient10"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.subject"
      And nothing was stored

    Scenario: a reading from a device not registered here
      Given a pulse oximeter "oximeter" issued to "patient20"
      And a oxygen saturation reading "reading" of "96 %" from "oximeter"
      And the entry's "device.reference" is "Device/not-a-device-here"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND" naming "Observation.device"
      And nothing was stored

    Scenario: a reading from a returned device
      Given a weighing scale "old scale" issued to "patient20" and since returned
      And a body weight reading "reading" of "72 kg" from "old scale"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.device"
      And nothing was stored

  @RFA-DEV-007 @lot2 @must @route-extension
  Rule: A device sends only the readings it measures

    Scenario: a weight from a pulse oximeter
      Given a pulse oximeter "oximeter" issued to "patient20"
      And a body weight reading "reading" of "72.5 kg" from "oximeter"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.code"
      And nothing was stored

    Scenario: a blood pressure from a peak flow meter
      Given a peak flow meter "meter" issued to "patient20"
      And a blood pressure reading "reading" of "128/82 mm[Hg]" from "meter"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.code"
      And nothing was stored

  @RFA-DEV-008 @lot2 @must @route-extension
  Rule: A blood pressure reading carries its systolic and diastolic values as components

    Scenario: no diastolic component
      Given a blood pressure monitor "monitor" issued to "patient20"
      And a blood pressure reading "bp" of "128/82 mm[Hg]" from "monitor"
      And the entry's "component.1.code.coding.0.code" is "364075005"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.component"
      And nothing was stored

    Scenario: a systolic component without a value
      Given a blood pressure monitor "monitor" issued to "patient20"
      And a blood pressure reading "bp" of "128/82 mm[Hg]" from "monitor"
      And the entry's "component.0.valueQuantity" is null
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.component"
      And nothing was stored

    Scenario: one value for the whole blood pressure
      Given a blood pressure monitor "monitor" issued to "patient20"
      And a blood pressure reading "bp" of "128/82 mm[Hg]" from "monitor"
      And the entry's "valueQuantity" is {"value": 128, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.valueQuantity"
      And nothing was stored

  @RFA-DEV-009 @lot2 @must @route-extension
  Rule: A reading a device resends under a new identifier is not filed twice; the next reading is

    Scenario: the same reading resent
      Given a blood pressure monitor "monitor" issued to "patient20"
      And a blood pressure reading "bp" of "128/82 mm[Hg]" from "monitor" recorded
      And a repeat of the reading "bp"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED" naming "Observation"
      And nothing was stored

    Scenario: the next reading, a minute later, is filed
      Given a weighing scale "scale" issued to "patient20"
      And a body weight reading "first" of "72.5 kg" from "scale" recorded
      And a body weight reading "second" of "72.4 kg" from "scale"
      And the entry's time is "2001-06-01T10:31:17+01:00"
      When the request is sent
      Then the entry is created
