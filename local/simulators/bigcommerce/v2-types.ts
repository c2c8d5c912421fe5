/** The JSON shapes the simulator serves on v2 (money as 4-dp strings, dates RFC 2822), as returned by the snapshots. */

export interface V2Resource {
  url: string;
  resource: string;
}

export interface V2FormField {
  name: string;
  value: string;
}

export interface V2BillingAddress {
  first_name: string;
  last_name: string;
  company: string;
  street_1: string;
  street_2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  country_iso2: string;
  phone: string;
  email: string;
  form_fields: V2FormField[];
}

export interface V2AppliedDiscount {
  id: string;
  amount: string;
  name: string;
  code: string | null;
  target: 'order' | 'product';
}

export interface V2ProductOption {
  id: number;
  option_id: number;
  order_product_id: number;
  product_option_id: number;
  display_name: string;
  display_name_customer: string;
  display_name_merchant: string;
  display_value: string;
  display_value_customer: string;
  display_value_merchant: string;
  value: string;
  type: string;
  name: string;
  display_style: string;
}

export interface V2OrderProduct {
  id: number;
  order_id: number;
  product_id: number;
  variant_id: number;
  order_pickup_method_id: number;
  order_address_id: number;
  name: string;
  name_customer: string;
  name_merchant: string;
  sku: string;
  upc: string;
  type: 'physical' | 'digital' | 'giftcertificate';
  base_price: string;
  price_ex_tax: string;
  price_inc_tax: string;
  price_tax: string;
  base_total: string;
  total_ex_tax: string;
  total_inc_tax: string;
  total_tax: string;
  weight: string;
  width: string;
  height: string;
  depth: string;
  quantity: number;
  base_cost_price: string;
  cost_price_inc_tax: string;
  cost_price_ex_tax: string;
  cost_price_tax: string;
  is_refunded: boolean;
  quantity_refunded: number;
  refund_amount: string;
  return_id: number;
  wrapping_id: number;
  wrapping_name: string;
  base_wrapping_cost: string;
  wrapping_cost_ex_tax: string;
  wrapping_cost_inc_tax: string;
  wrapping_cost_tax: string;
  wrapping_message: string;
  quantity_shipped: number;
  event_name: string | null;
  event_date: string | null;
  fixed_shipping_cost: string;
  ebay_item_id: string;
  ebay_transaction_id: string;
  option_set_id: number | null;
  parent_order_product_id: number | null;
  is_bundled_product: boolean;
  bin_picking_number: string;
  external_id: string | null;
  brand: string;
  applied_discounts: V2AppliedDiscount[];
  product_options: V2ProductOption[];
  configurable_fields: unknown[];
  gift_certificate_id: number | null;
  discounted_total_inc_tax: string;
}

export interface V2ShippingAddress {
  id: number;
  order_id: number;
  first_name: string;
  last_name: string;
  company: string;
  street_1: string;
  street_2: string;
  city: string;
  zip: string;
  country: string;
  country_iso2: string;
  state: string;
  email: string;
  phone: string;
  items_total: number;
  items_shipped: number;
  shipping_method: string;
  base_cost: string;
  cost_ex_tax: string;
  cost_inc_tax: string;
  cost_tax: string;
  cost_tax_class_id: number;
  base_handling_cost: string;
  handling_cost_ex_tax: string;
  handling_cost_inc_tax: string;
  handling_cost_tax: string;
  handling_cost_tax_class_id: number;
  shipping_zone_id: number;
  shipping_zone_name: string;
  shipping_quotes: V2Resource;
  form_fields: V2FormField[];
}

export interface V2Coupon {
  id: number;
  coupon_id: number;
  order_id: number;
  code: string;
  /** A number, unlike other v2 money: $5 off → 5. */
  amount: number;
  /** 2 = per_total_discount. */
  type: number;
  discount: number;
}

/** A shipping consignment (consignment_structure=object). The spec types its money as numbers. */
export interface V2ShippingConsignment {
  id: number;
  first_name: string;
  last_name: string;
  company: string;
  street_1: string;
  street_2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  country_iso2: string;
  phone: string;
  email: string;
  form_fields: V2FormField[];
  shipping_method: string;
  line_items: V2Resource[] | V2OrderProduct[];
  /** Present when more than 50 lines were embedded and the rest were cut off. */
  __warning__?: { message: string };
  items_total: number;
  items_shipped: number;
  base_cost: number;
  cost_ex_tax: number;
  cost_inc_tax: number;
  cost_tax: number;
  cost_tax_class_id: number;
  base_handling_cost: number;
  handling_cost_ex_tax: number;
  handling_cost_inc_tax: number;
  handling_cost_tax: number;
  handling_cost_tax_class_id: number;
  shipping_zone_id: number;
  shipping_zone_name: string;
  shipping_quotes: V2Resource;
}

export interface V2Consignments {
  pickups: unknown[];
  shipping: V2ShippingConsignment[];
  downloads: Array<{ recipient_email: string; line_items: V2Resource[] | V2OrderProduct[]; __warning__?: { message: string } }>;
  email: { gift_certificates: unknown[] };
}

export interface V2Order {
  id: number;
  customer_id: number;
  date_created: string;
  date_modified: string;
  date_shipped: string;
  status_id: number;
  status: string;
  custom_status: string;
  subtotal_ex_tax: string;
  subtotal_inc_tax: string;
  subtotal_tax: string;
  base_shipping_cost: string;
  shipping_cost_ex_tax: string;
  shipping_cost_inc_tax: string;
  shipping_cost_tax: string;
  shipping_cost_tax_class_id: number;
  base_handling_cost: string;
  handling_cost_ex_tax: string;
  handling_cost_inc_tax: string;
  handling_cost_tax: string;
  handling_cost_tax_class_id: number;
  base_wrapping_cost: string;
  wrapping_cost_ex_tax: string;
  wrapping_cost_inc_tax: string;
  wrapping_cost_tax: string;
  wrapping_cost_tax_class_id: number;
  total_ex_tax: string;
  total_inc_tax: string;
  total_tax: string;
  is_tax_inclusive_pricing: boolean;
  items_total: number;
  items_shipped: number;
  payment_method: string;
  payment_provider_id: string;
  payment_status: string;
  refunded_amount: string;
  order_is_digital: boolean;
  store_credit_amount: string;
  gift_certificate_amount: string;
  ip_address: string;
  ip_address_v6: string;
  geoip_country: string;
  geoip_country_iso2: string;
  currency_id: number;
  currency_code: string;
  currency_exchange_rate: string;
  default_currency_id: number;
  default_currency_code: string;
  store_default_currency_code: string;
  store_default_to_transactional_exchange_rate: string;
  staff_notes: string;
  customer_message: string;
  discount_amount: string;
  coupon_discount: string;
  shipping_address_count: number;
  is_deleted: boolean;
  ebay_order_id: string;
  cart_id: string;
  billing_address: V2BillingAddress;
  is_email_opt_in: boolean;
  credit_card_type: string | null;
  order_source: string;
  channel_id: number;
  external_source: string | null;
  external_id: string | null;
  external_merchant_id: string | null;
  external_order_id: string;
  tax_provider_id: string;
  customer_locale: string;
  products: V2Resource;
  shipping_addresses: V2Resource;
  coupons: V2Resource;
  consignments?: V2Consignments | V2Consignments[];
  fees?: V2Fee[] | V2Resource;
}

export interface V2Fee {
  id: number;
  type: 'custom_fee';
  display_name_customer: string;
  display_name_merchant: string;
  source: string;
  base_cost: string;
  cost_ex_tax: string;
  cost_inc_tax: string;
  cost_tax: string;
  tax_class_id: number | null;
}

export interface V2Tax {
  id: number;
  order_id: number;
  order_address_id: number;
  tax_rate_id: number;
  sales_tax_id: number;
  tax_class_id: number | null;
  name: string;
  class: string;
  rate: string;
  priority: number;
  priority_amount: string;
  line_amount: string;
  order_pickup_method_id: number;
  order_product_id?: string | null;
  line_item_type?: 'item' | 'shipping' | 'handling' | 'gift-wrapping';
}
