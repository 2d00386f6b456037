import { Duration, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { languageEdgeSource } from '../functions/core/channels/language-edge';
import {
  apiCsp,
  embedCsp,
  HSTS_MAX_AGE_SECONDS,
  mediaCsp,
  PERMISSIONS_POLICY,
  siteCsp,
} from '../functions/core/security/headers';

/**
 * Viewer-request function for site paths. First the reader's language (functions/core/channels/
 * language-edge.ts): a plain page address may be redirected to its language's URL, before the cache, so
 * each language stays its own cached object. Then the rewrite: the site bucket's keys are URL paths, and
 * pages are stored as `…/index.html` (`functions/aws/keys.ts`). `/s/demo` and `/s/demo/` →
 * `/s/demo/index.html`; paths whose last segment has a dot (`feed.json`, `rss.xml`) pass unchanged.
 * Plain ES5 for cloudfront-js-2.0; a test evaluates this exact source.
 */
export const rewriteFunctionSource = `${languageEdgeSource}
function handler(event) {
  var request = event.request;
  var language = corridorLanguage(request);
  if (language) return language;
  var uri = request.uri;
  if (uri.charAt(uri.length - 1) === '/') {
    request.uri = uri + 'index.html';
  } else if (uri.substring(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {
    request.uri = uri + '/index.html';
  }
  return request;
}`;

/** Parents' pages, served by the API function (functions/api/app.ts) outside `/api`. */
export const PARENT_PAGE_PATHS = ['/join/*', '/family/*'] as const;

/** Short TTL for site artifacts: they carry `max-age=60` and change with every post (retract invalidates). */
export const SITE_TTL = { default: Duration.seconds(60), max: Duration.minutes(5) };
/** Media keys are content hashes: the bytes under a key never change. */
export const MEDIA_TTL = Duration.days(365);

const HSTS = {
  accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
  includeSubdomains: true,
  preload: false,
  override: true,
};

export interface CdnProps {
  site: s3.IBucket;
  /** Host name of the HTTP API's default endpoint (`<id>.execute-api.<region>.amazonaws.com`). */
  apiHost: string;
  /** Origin that browsers upload to (goes into the site's CSP `connect-src`). */
  uploadOrigin: string;
  /** Custom domain, e.g. `corridor.example-trust.org.uk`; requires `certificateArn`. */
  domainName?: string;
  /** ACM certificate for `domainName`, which CloudFront requires to be in us-east-1. */
  certificateArn?: string;
}

/**
 * CloudFront in front of everything public. Behaviours:
 * - default (`*`): site artifacts from S3 (OAC), short TTL, path rewrite, strict security headers;
 * - `/media/*`: immutable media variants, cached a year;
 * - `/embed/…` and a school's `/s/<school>/embed`: the website widget's pages, frameable by any site (its own headers policy);
 * - `/api/*`: the HTTP API, never cached, every viewer header but Host forwarded;
 * - `/join/*`, `/family/*`: parents' pages (class join links and QR codes, the links in every message),
 *   server-rendered by the same function as the API, under the site's CSP: same-origin script for web
 *   push and its service worker, same-origin forms.
 * The incoming bucket is deliberately not an origin: originals are never served.
 */
export class Cdn extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly publicUrl: string;
  readonly policies: {
    site: cloudfront.ResponseHeadersPolicy;
    embed: cloudfront.ResponseHeadersPolicy;
    media: cloudfront.ResponseHeadersPolicy;
    api: cloudfront.ResponseHeadersPolicy;
  };

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    if (props.domainName && !props.certificateArn) throw new Error('Corridor infra: a custom domain needs certificateArn');
    if (props.certificateArn && !Token.isUnresolved(props.certificateArn) && !props.certificateArn.includes(':us-east-1:')) {
      throw new Error(`Corridor infra: CloudFront certificates must be in us-east-1 (got ${props.certificateArn})`);
    }

    // READ + LIST: with s3:ListBucket a missing key is a 404, not a 403 (distribution-wide error mapping
    // would also rewrite the API's own 403s). CloudFront forwards no query string, so nothing is listable.
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.site, {
      originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
    });
    const apiOrigin = new origins.HttpOrigin(props.apiHost, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });

    const rewrite = new cloudfront.Function(this, 'Rewrite', {
      comment: 'Corridor: language redirect; /s/<school> -> /s/<school>/index.html',
      code: cloudfront.FunctionCode.fromInline(rewriteFunctionSource),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const rewriteAssociation = [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }];

    const siteCache = new cloudfront.CachePolicy(this, 'SiteCache', {
      comment: 'Corridor site artifacts: short-lived, invalidated on retract',
      defaultTtl: SITE_TTL.default,
      maxTtl: SITE_TTL.max,
      minTtl: Duration.seconds(0),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const mediaCache = new cloudfront.CachePolicy(this, 'MediaCache', {
      comment: 'Corridor media: content-addressed, immutable',
      defaultTtl: MEDIA_TTL,
      maxTtl: MEDIA_TTL,
      minTtl: Duration.seconds(0),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    this.policies = {
      site: new cloudfront.ResponseHeadersPolicy(this, 'SiteHeaders', {
        comment: 'Corridor site: strict CSP, not frameable',
        securityHeadersBehavior: {
          contentSecurityPolicy: { contentSecurityPolicy: siteCsp(props.uploadOrigin), override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
          strictTransportSecurity: HSTS,
        },
        // The widget's script on school websites fetches feed.json/embed data cross-origin; all public.
        corsBehavior: publicReadCors,
        customHeadersBehavior: {
          customHeaders: [{ header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true }],
        },
      }),
      embed: new cloudfront.ResponseHeadersPolicy(this, 'EmbedHeaders', {
        comment: 'Corridor embed widget: frameable by any site',
        securityHeadersBehavior: {
          // No X-Frame-Options (it cannot express "any site"); CSP frame-ancestors * allows any http(s) page.
          contentSecurityPolicy: { contentSecurityPolicy: embedCsp, override: true },
          contentTypeOptions: { override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
          strictTransportSecurity: HSTS,
        },
        corsBehavior: publicReadCors,
        customHeadersBehavior: {
          customHeaders: [{ header: 'Cross-Origin-Resource-Policy', value: 'cross-origin', override: true }],
        },
      }),
      media: new cloudfront.ResponseHeadersPolicy(this, 'MediaHeaders', {
        comment: 'Corridor media: sandboxed, embeddable anywhere',
        securityHeadersBehavior: {
          // Opened directly in a tab, a file gets no script and a unique origin (the worker only ever
          // writes sniffed image/audio/video types, this is the second line).
          contentSecurityPolicy: { contentSecurityPolicy: mediaCsp, override: true },
          contentTypeOptions: { override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
          strictTransportSecurity: HSTS,
        },
        corsBehavior: publicReadCors,
        customHeadersBehavior: {
          customHeaders: [{ header: 'Cross-Origin-Resource-Policy', value: 'cross-origin', override: true }],
        },
      }),
      api: new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
        comment: 'Corridor API: JSON, never framed',
        securityHeadersBehavior: {
          contentSecurityPolicy: { contentSecurityPolicy: apiCsp, override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
          strictTransportSecurity: HSTS,
        },
      }),
    };

    const siteBehavior = {
      origin: siteOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      // GET/HEAD only: the widget's fetches are simple requests (no preflight), and S3 would refuse OPTIONS.
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      compress: true,
    };
    const embedBehavior = {
      ...siteBehavior,
      cachePolicy: siteCache,
      responseHeadersPolicy: this.policies.embed,
      functionAssociations: rewriteAssociation,
    };
    const apiBehavior = {
      origin: apiOrigin,
      // HTTPS only, not a redirect: a redirected POST loses its body.
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // The HTTP API must see its own host name, not the viewer's, or API Gateway refuses the request.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Corridor: site, media, API',
      ...(props.domainName && props.certificateArn
        ? {
            domainNames: [props.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
          }
        : {}),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        ...siteBehavior,
        cachePolicy: siteCache,
        responseHeadersPolicy: this.policies.site,
        functionAssociations: rewriteAssociation,
      },
      additionalBehaviors: {
        '/media/*': { ...siteBehavior, cachePolicy: mediaCache, responseHeadersPolicy: this.policies.media },
        '/embed/*': embedBehavior,
        // A school's own embed page (`/s/<school>/embed`): the same frameable policy (headerProfile()).
        '/s/*/embed': embedBehavior,
        '/s/*/embed/*': embedBehavior,
        '/api/*': { ...apiBehavior, responseHeadersPolicy: this.policies.api },
        ...Object.fromEntries(
          PARENT_PAGE_PATHS.map((path) => [path, { ...apiBehavior, responseHeadersPolicy: this.policies.site }]),
        ),
      },
    });
    this.publicUrl = `https://${props.domainName ?? this.distribution.distributionDomainName}`;
  }
}

const publicReadCors: cloudfront.ResponseHeadersCorsBehavior = {
  accessControlAllowCredentials: false,
  accessControlAllowHeaders: ['*'],
  accessControlAllowMethods: ['GET', 'HEAD'],
  accessControlAllowOrigins: ['*'],
  accessControlMaxAge: Duration.days(1),
  originOverride: true,
};
