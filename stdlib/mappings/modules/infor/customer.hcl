# Infor SyncCustomerPartyMaster / ShowCustomerPartyMaster BODs into
# canonical customers, for enrichment tables (the ERP is the customer
# master). Reads customer.schema.json.
#
#   - id: PartyIDs/ID, the ERP customer number; tax_id PartyIDs/TaxID.
#   - name and company: Name (a customer master names a company); the
#     first contact's Name is the person, when there is one.
#   - email and phone: the first EMail URI and Telephone DialNumber of the
#     contacts.
#   - references: erp "infor", duns (PartyIDs/DUNSID), status
#     (Status/Code), when given.

mapping "customer_message" {
  input = CustomerPartyMasterBOD
  value = "has(input.SyncCustomerPartyMaster) ? input.SyncCustomerPartyMaster : input.ShowCustomerPartyMaster"
}

# Every Communication of the customer's contacts.
mapping "customer_communications" {
  input = CustomerPartyMasterBOD
  value = <<-CEL
    infor.customer_message(input).DataArea.CustomerPartyMaster.?Contact.orValue([])
      .map(c, c.?Communication.orValue([])).flatten()
  CEL
}

mapping "customer" {
  input  = CustomerPartyMasterBOD
  output = "commerce.Customer"
  fields = {
    id         = "infor.customer_message(input).DataArea.CustomerPartyMaster.PartyIDs.?ID"
    name       = "infor.customer_message(input).DataArea.CustomerPartyMaster.?Contact[0].?Name.or(infor.customer_message(input).DataArea.CustomerPartyMaster.?Name)"
    company    = "infor.customer_message(input).DataArea.CustomerPartyMaster.?Name"
    email      = "infor.customer_communications(input).filter(c, c.?ChannelCode.orValue('') == 'EMail' && has(c.URI)).map(c, c.URI)[?0]"
    phone      = "infor.customer_communications(input).filter(c, c.?ChannelCode.orValue('') == 'Telephone' && has(c.DialNumber)).map(c, c.DialNumber)[?0]"
    tax_id     = "infor.customer_message(input).DataArea.CustomerPartyMaster.PartyIDs.?TaxID"
    references = <<-CEL
      cel.bind(c, infor.customer_message(input).DataArea.CustomerPartyMaster,
        {'erp': 'infor', ?'duns': c.PartyIDs.?DUNSID, ?'status': c.?Status.?Code})
    CEL
  }
}
