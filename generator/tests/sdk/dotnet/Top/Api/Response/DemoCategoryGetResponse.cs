using System;
using System.Xml.Serialization;
using System.Collections.Generic;
using Top.Api.Domain;

namespace Top.Api.Response
{
    /// <summary>
    /// DemoCategoryGetResponse.
    /// </summary>
    public class DemoCategoryGetResponse : TopResponse
    {
        /// <summary>
        /// 类目树
        /// </summary>
        [XmlArray("categories")]
        [XmlArrayItem("category")]
        public List<Category> Categories { get; set; }

        /// <summary>
        /// 上传的图片（与 taobao.picture.upload 同一个类型）
        /// </summary>
        [XmlElement("icon")]
        public Picture Icon { get; set; }
    }
}
