using System;
using System.Xml.Serialization;

namespace Top.Api.Response
{
    /// <summary>
    /// DemoOrderCreateResponse.
    /// </summary>
    public class DemoOrderCreateResponse : TopResponse
    {
        /// <summary>
        /// 订单号
        /// </summary>
        [XmlElement("order_id")]
        public long OrderId { get; set; }

        /// <summary>
        /// 是否成功
        /// </summary>
        [XmlElement("is_success")]
        public bool IsSuccess { get; set; }
    }
}
