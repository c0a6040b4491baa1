'use strict'
// aws-crt's `mqtt5` enums with aws-crt's numbers, and the reason-code helpers.
const { numericEnum } = require('./enum')

const QoS = numericEnum({ AtMostOnce: 0, AtLeastOnce: 1, ExactlyOnce: 2 })
const PayloadFormatIndicator = numericEnum({ Bytes: 0, Utf8: 1 })
const RetainHandlingType = numericEnum({ SendOnSubscribe: 0, SendOnSubscribeIfNew: 1, DontSend: 2 })
const PacketType = numericEnum({
  Connect: 1,
  Connack: 2,
  Publish: 3,
  Puback: 4,
  Pubrec: 5,
  Pubrel: 6,
  Pubcomp: 7,
  Subscribe: 8,
  Suback: 9,
  Unsubscribe: 10,
  Unsuback: 11,
  Pingreq: 12,
  Pingresp: 13,
  Disconnect: 14,
  Auth: 15,
})
const ClientSessionBehavior = numericEnum({ Default: 0, Clean: 1, RejoinPostSuccess: 2, RejoinAlways: 3 })
const RetryJitterType = numericEnum({ Default: 0, None: 1, Full: 2, Decorrelated: 3 })
const ClientOperationQueueBehavior = numericEnum({
  Default: 0,
  FailNonQos1PublishOnDisconnect: 1,
  FailQos0PublishOnDisconnect: 2,
  FailAllOnDisconnect: 3,
})
const OutboundTopicAliasBehaviorType = numericEnum({ Default: 0, Manual: 1, LRU: 2, Disabled: 3 })
const InboundTopicAliasBehaviorType = numericEnum({ Default: 0, Enabled: 1, Disabled: 2 })
const ClientExtendedValidationAndFlowControl = numericEnum({ None: 0, AwsIotCoreDefaults: 1 })

const ConnectReasonCode = numericEnum({
  Success: 0,
  UnacceptableProtocolVersion311: 1,
  ClientIdRejected311: 2,
  ServerUnavailable311: 3,
  InvalidUsernameOrPassword311: 4,
  NotAuthorized311: 5,
  UnspecifiedError: 128,
  MalformedPacket: 129,
  ProtocolError: 130,
  ImplementationSpecificError: 131,
  UnsupportedProtocolVersion: 132,
  ClientIdentifierNotValid: 133,
  BadUsernameOrPassword: 134,
  NotAuthorized: 135,
  ServerUnavailable: 136,
  ServerBusy: 137,
  Banned: 138,
  BadAuthenticationMethod: 140,
  TopicNameInvalid: 144,
  PacketTooLarge: 149,
  QuotaExceeded: 151,
  PayloadFormatInvalid: 153,
  RetainNotSupported: 154,
  QosNotSupported: 155,
  UseAnotherServer: 156,
  ServerMoved: 157,
  ConnectionRateExceeded: 159,
})
const DisconnectReasonCode = numericEnum({
  NormalDisconnection: 0,
  DisconnectWithWillMessage: 4,
  UnspecifiedError: 128,
  MalformedPacket: 129,
  ProtocolError: 130,
  ImplementationSpecificError: 131,
  NotAuthorized: 135,
  ServerBusy: 137,
  ServerShuttingDown: 139,
  KeepAliveTimeout: 141,
  SessionTakenOver: 142,
  TopicFilterInvalid: 143,
  TopicNameInvalid: 144,
  ReceiveMaximumExceeded: 147,
  TopicAliasInvalid: 148,
  PacketTooLarge: 149,
  MessageRateTooHigh: 150,
  QuotaExceeded: 151,
  AdministrativeAction: 152,
  PayloadFormatInvalid: 153,
  RetainNotSupported: 154,
  QosNotSupported: 155,
  UseAnotherServer: 156,
  ServerMoved: 157,
  SharedSubscriptionsNotSupported: 158,
  ConnectionRateExceeded: 159,
  MaximumConnectTime: 160,
  SubscriptionIdentifiersNotSupported: 161,
  WildcardSubscriptionsNotSupported: 162,
})
const SubackReasonCode = numericEnum({
  GrantedQoS0: 0,
  GrantedQoS1: 1,
  GrantedQoS2: 2,
  Failure311: 128,
  UnspecifiedError: 128,
  ImplementationSpecificError: 131,
  NotAuthorized: 135,
  TopicFilterInvalid: 143,
  PacketIdentifierInUse: 145,
  QuotaExceeded: 151,
  SharedSubscriptionsNotSupported: 158,
  SubscriptionIdentifiersNotSupported: 161,
  WildcardSubscriptionsNotSupported: 162,
})
const UnsubackReasonCode = numericEnum({
  Success: 0,
  NoSubscriptionExisted: 17,
  UnspecifiedError: 128,
  ImplementationSpecificError: 131,
  NotAuthorized: 135,
  TopicFilterInvalid: 143,
  PacketIdentifierInUse: 145,
})
const PubackReasonCode = numericEnum({
  Success: 0,
  NoMatchingSubscribers: 16,
  UnspecifiedError: 128,
  ImplementationSpecificError: 131,
  NotAuthorized: 135,
  TopicNameInvalid: 144,
  PacketIdentifierInUse: 145,
  QuotaExceeded: 151,
  PayloadFormatInvalid: 153,
})
/** mqtt-napi's: the reason codes of AUTH (MQTT 5 enhanced authentication). */
const AuthReasonCode = numericEnum({ Success: 0, ContinueAuthentication: 24, ReAuthenticate: 25 })

/** MQTT 5: a reason code below 128 is a success. */
const isSuccessful = (reasonCode) => reasonCode < 128

module.exports = {
  QoS,
  PayloadFormatIndicator,
  RetainHandlingType,
  PacketType,
  ClientSessionBehavior,
  RetryJitterType,
  ClientOperationQueueBehavior,
  OutboundTopicAliasBehaviorType,
  InboundTopicAliasBehaviorType,
  ClientExtendedValidationAndFlowControl,
  ConnectReasonCode,
  DisconnectReasonCode,
  SubackReasonCode,
  UnsubackReasonCode,
  PubackReasonCode,
  AuthReasonCode,
  isSuccessfulConnectReasonCode: isSuccessful,
  isSuccessfulDisconnectReasonCode: isSuccessful,
  isSuccessfulSubackReasonCode: isSuccessful,
  isSuccessfulUnsubackReasonCode: isSuccessful,
  isSuccessfulPubackReasonCode: isSuccessful,
}
