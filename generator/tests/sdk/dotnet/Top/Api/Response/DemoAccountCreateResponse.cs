using System;
using System.Xml.Serialization;
using System.Collections.Generic;

namespace Top.Api.Response
{
    /// <summary>
    /// DemoAccountCreateResponse.
    /// </summary>
    public class DemoAccountCreateResponse : TopResponse
    {
        /// <summary>
        /// 创建的账号ID
        /// </summary>
        [XmlArray("account_ids")]
        [XmlArrayItem("number")]
        public List<long> AccountIds { get; set; }
    }
}
