/**
 * The aws-crt API's declarations (index.d.ts): TypeScript written against
 * aws-crt compiles against mqtt-napi unchanged, in a strict project that
 * checks the package's declarations (`skipLibCheck: false`). The application
 * region below is compiled twice: importing mqtt-napi, and with its import
 * pointing at 'aws-crt', so every shape it uses is aws-crt's too.
 *
 * Nothing here connects: no function of the application region is called.
 */
import { applicationRegion, typeErrors } from '../support/typecheck'

// #region application
import { mqtt, io, http } from '../../index'

function awsIotConfig(certificate: string, key: string): mqtt.MqttConnectionConfig {
  const tls = io.TlsContextOptions.create_client_with_mtls(certificate, key)
  if (io.is_alpn_available()) tls.alpn_list = ['x-amzn-mqtt-ca']
  return {
    client_id: 'sensor-1',
    host_name: 'broker.example',
    port: 8883,
    clean_session: true,
    keep_alive: 30,
    socket_options: new io.SocketOptions(io.SocketType.STREAM, io.SocketDomain.IPV4, 3000),
    tls_ctx: new io.ClientTlsContext(tls),
    // What everyone talking to a broker other than AWS IoT writes.
    disable_metrics: true,
  }
}

async function lifecycle(config: mqtt.MqttConnectionConfig): Promise<void> {
  const connection = new mqtt.MqttClient(new io.ClientBootstrap()).new_connection(config)
  connection.on('interrupt', (error) => console.log(error.error_name))
  connection.on('resume', (returnCode, sessionPresent) => console.log(returnCode, sessionPresent))
  const sessionPresent: boolean = await connection.connect()
  const granted = await connection.subscribe('a/+', mqtt.QoS.AtLeastOnce, (topic, payload) => {
    console.log(topic, Buffer.from(payload).toString())
  })
  await connection.publish('a/b', { value: 1 }, mqtt.QoS.AtMostOnce, false)
  const statistics = connection.getOperationalStatistics()
  console.log(sessionPresent, granted.qos, statistics.incompleteOperationCount)
  await connection.disconnect()
}

function proxied(): http.HttpProxyOptions {
  return new http.HttpProxyOptions('proxy.local', 3128, http.HttpProxyAuthenticationType.Basic, 'user', 'pass')
}
// #endregion application

const applicationSource = (library: string) => applicationRegion(__filename, library, 1)

describe('aws-crt API types', () => {
  test('the application code compiles, strict and with the declarations checked, against mqtt-napi and against aws-crt', () => {
    expect(typeErrors(applicationSource('../../index'))).toEqual([])
    expect(typeErrors(applicationSource('aws-crt'))).toEqual([])
  })

  test('the check is real: a misspelt config field fails against either library', () => {
    for (const library of ['../../index', 'aws-crt']) {
      const source = applicationSource(library)
      const badLine = source.split('\n').length + 1
      const errors = typeErrors(`${source}\nconst wrong: mqtt.MqttConnectionConfig = { client_id: '', host_name: '', port: 1, disable_metric: true }\n`)
      expect(errors.length).toBeGreaterThan(0)
      expect(errors.every((error) => error.startsWith(`line ${badLine}: `))).toBe(true)
    }
  })

  test('the functions that hold the checks exist (none is called)', () => {
    expect([awsIotConfig, lifecycle, proxied].every((fn) => typeof fn === 'function')).toBe(true)
  })
})
