# Settings shared by the EDI flows (edi_inbound, edi_ack, edi_asn,
# edi_invoice): the trading partner's X12 sink and what the x12 module's
# outbound mappings need to know.
#
# Replies to a partner's purchase order (997, 855, and 856 or 810 when the
# order is known) go back to whoever sent it, in its version and usage: the
# ids below address the documents that cannot tell (an ASN or invoice from
# the ERP without its order). They are placeholders: set your own and your
# partner's interchange ids.

variable "edi_sender_qualifier" {
  type        = string
  default     = "ZZ"
  description = "Our interchange id qualifier (ISA05): ZZ mutually defined, 01 DUNS, 08 UCC EDI communications id, 12 phone number."
}

variable "edi_sender_id" {
  type        = string
  default     = "TRANSLOAD"
  description = "Our interchange id (ISA06, at most 15 characters), as agreed with the trading partner."
}

variable "edi_partner_qualifier" {
  type        = string
  default     = "ZZ"
  description = "The trading partner's interchange id qualifier (ISA07)."
}

variable "edi_partner_id" {
  type        = string
  default     = "PARTNER"
  description = "The trading partner's interchange id (ISA08), for documents that do not carry the partner of their order."
}

variable "edi_partner_url" {
  type        = string
  default     = ""
  description = "When set, interchanges are POSTed to this URL (a VAN or gateway API) instead of written to outbox/edi under the data directory. AS2 is not spoken here: use the gateway."
}

variable "x12_timezone" {
  type        = string
  default     = "UTC"
  description = "The IANA time zone of the dates and times in outbound X12 documents (BSN03/BSN04, DTM; calendar dates such as BIG01 are written as given): X12 dates carry no zone, so this is the trading partner agreement's."
}

variable "x12_item_qualifier" {
  type        = string
  default     = "VN"
  description = "The product/service id qualifier under which a SKU is sent when the partner's own item ids are not known (a shipment or invoice without its order): VN, the vendor's item number."
  validation {
    condition     = strlen(var.x12_item_qualifier) == 2
    error_message = "The variable x12_item_qualifier must be a two-character X12 qualifier, such as \"VN\" or \"VP\"."
  }
}

# The trading partner: one interchange per document, control numbers from
# durable sequences per sender and receiver, files in outbox/edi under the
# data directory (named after the receiver and ISA13) for the gateway to
# send, or POSTed to edi_partner_url.
sink "x12" "edi_partner" {
  dir                = "outbox/edi"
  url                = var.edi_partner_url
  sender_qualifier   = var.edi_sender_qualifier
  sender_id          = var.edi_sender_id
  receiver_qualifier = var.edi_partner_qualifier
  receiver_id        = var.edi_partner_id
}
